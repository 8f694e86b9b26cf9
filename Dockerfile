# leakward's server image: `leakward serve` (webhook receiver, schedules) and, with another
# command, `leakward worker` (Celery on Redis). compose.yaml runs both with PostgreSQL and Redis.
#   docker build -t leakward .
#   docker run -p 8080:8080 -e LEAKWARD_DB=postgresql://… -e LEAKWARD_PEPPER=… leakward
FROM python:3.11-slim

# git reads pushed repositories; nothing else is needed at run time.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 leakward

COPY . /src
RUN pip install --no-cache-dir '/src[serve,postgres]' && rm -rf /src

USER leakward
WORKDIR /home/leakward
# Mirror clones and the compiled rule database live here; mount a volume to keep them.
ENV XDG_CACHE_HOME=/home/leakward/.cache
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
ENTRYPOINT ["leakward"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
