# The pressroom image: `pressroom serve`, or `pressroom deploy` and `pressroom worker` (and, in
# docker-compose.yml, the Prefect server's API and services too, so every part runs the Prefect
# version pinned in uv.lock). Build: docker build -t pressroom .
FROM python:3.11-slim-bookworm

# the uv that wrote uv.lock (lock revision 5); --frozen installs exactly what the lock says
RUN pip install --no-cache-dir uv==0.13.9
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PYTHONUNBUFFERED=1
WORKDIR /app

# dependencies first: this layer is rebuilt only when the lock changes
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY config ./config
COPY flows ./flows
COPY tasks ./tasks
COPY warehouse ./warehouse
COPY examples ./examples
RUN uv sync --frozen --no-dev

# a named volume mounted here starts with this folder's owner, so the user below can write it
RUN useradd --create-home --uid 1000 pressroom && mkdir -p /data/warehouse && chown -R pressroom /data
USER pressroom
ENV PATH="/app/.venv/bin:$PATH" \
    PRESSROOM_WAREHOUSE=/data/warehouse \
    PREFECT_SERVER_ANALYTICS_ENABLED=false \
    DO_NOT_TRACK=1

ENTRYPOINT ["pressroom"]
CMD ["serve"]
