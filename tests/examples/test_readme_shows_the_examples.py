"""The README shows every example of this folder, verbatim."""

from pathlib import Path

import pytest

from ..support.readme import code_blocks

EXAMPLES = sorted(
    p for p in Path(__file__).parent.glob("test_*.py") if p.name != Path(__file__).name
)


def test_there_are_examples() -> None:
    assert [p.name for p in EXAMPLES] == [
        "test_api_reading_a_custom_claim.py",
        "test_change_email_page.py",
        "test_machine_to_machine_client.py",
        "test_management_api_client.py",
        "test_move_time_for_both_sides.py",
        "test_protect_an_api.py",
        "test_save_a_tenant_for_the_next_run.py",
        "test_sign_in_with_the_logto_sdk.py",
        "test_webhook_handler.py",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_in_the_readme_as_it_is(path: Path) -> None:
    assert path.read_text() in code_blocks("python")
