"""@logto/schemas' `partialColorGuard` and `brandingGuard`, shared by every entity with a look.

An application's sign-in experience and an organization both state their `color` and `branding`
with these two (`hexColorRegEx` colors, `z.string().url()` logos).
"""

from __future__ import annotations

from .. import zod


def is_hex_color(value: str) -> bool:
    """`hexColorRegEx`: `#rgb` or `#rrggbb`."""
    digits = value[1:]
    return (
        value.startswith("#")
        and len(digits) in (3, 6)
        and all(c in "0123456789abcdefABCDEF" for c in digits)
    )


_HEX_COLOR = zod.Str(regex=is_hex_color)
#: `partialColorGuard`.
PARTIAL_COLOR = zod.Obj(
    {
        "primaryColor": _HEX_COLOR.optional(),
        "isDarkModeEnabled": zod.Bool().optional(),
        "darkPrimaryColor": _HEX_COLOR.optional(),
    }
)
#: `brandingGuard`.
BRANDING = zod.Obj(
    {
        key: zod.Str(url=True).optional()
        for key in ("logoUrl", "darkLogoUrl", "favicon", "darkFavicon")
    }
)
