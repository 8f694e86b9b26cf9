"""`leakward serve`'s service on a real uvicorn, on 127.0.0.1, for end-to-end tests and bench."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from leakward.cli.serve import Service, build_service


@contextmanager
def running_service(
    environ: Mapping[str, str],
    db_url: str,
    mirror_dir: Path,
    engine: str = "auto",
    *,
    read_timeout: float = 10.0,
    header_timeout: float = 10.0,
    spool_max_bytes: int = 256 << 20,
    job_workers: int = 2,
    job_budget: float = 900.0,
) -> Iterator[tuple[Service, str]]:
    """The service and its base URL; uvicorn stops and the queue drains on exit."""
    service = build_service(
        environ,
        db_url=db_url,
        mirror_dir=mirror_dir,
        max_body=25 << 20,
        read_timeout=read_timeout,
        header_timeout=header_timeout,
        spool_max_bytes=spool_max_bytes,
        engine=engine,
        job_workers=job_workers,
        job_budget=job_budget,
    )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(service.server_config("127.0.0.1", port, "warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            threading.Event().wait(0.01)
        yield service, f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        listener.close()
        service.close()
