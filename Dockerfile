# mock-logto: a local stand-in for the Logto authorization server, for tests and CI.
#   docker build -t mock-logto .
#   docker run --rm -p 3001:3001 mock-logto
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies in their own layer, pinned (requirements.lock, `make lock`), rebuilt only when
# the pins change.
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY pyproject.toml README.md ./
COPY mock_logto ./mock_logto
COPY fixtures ./fixtures
# The demo tenant is the default; mount your own fixture files over /fixtures.
RUN pip install --no-cache-dir --no-deps . \
    && mkdir -p /fixtures \
    && cp fixtures/default.yaml /fixtures/ \
    && useradd --system --uid 10001 --no-create-home mocklogto

USER 10001

# 0.0.0.0 inside the container only: the host decides what to publish (-p 3001:3001).
ENV MOCK_LOGTO_HOST=0.0.0.0 \
    MOCK_LOGTO_PORT=3001 \
    MOCK_LOGTO_FIXTURES=/fixtures
EXPOSE 3001

HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=5 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['MOCK_LOGTO_PORT'] + '/oidc/.well-known/openid-configuration', timeout=2)"]

ENTRYPOINT ["mock-logto"]
CMD ["serve"]
