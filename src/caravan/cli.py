"""The `caravan` command: demo, serve, worker, and every Django management command.

    caravan demo            load (or refresh) the demo network; safe to run again
    caravan serve           serve the site with uvicorn (ASGI) on 127.0.0.1:8000
    caravan worker          run background tasks (django-tasks database backend)
    caravan <command> ...   any Django management command (migrate, createsuperuser, ...)
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caravan.settings")
    command = argv[1] if len(argv) > 1 else "help"

    if command == "serve":
        import uvicorn

        host = os.environ.get("CARAVAN_HOST", "127.0.0.1")
        port = int(os.environ.get("CARAVAN_PORT", "8000"))
        args = argv[2:]
        if "--port" in args:
            port = int(args[args.index("--port") + 1])
        if "--host" in args:
            host = args[args.index("--host") + 1]
        workers = int(os.environ.get("CARAVAN_WEB_WORKERS", "1"))
        uvicorn.run("caravan.asgi:application", host=host, port=port, workers=workers, lifespan="off")
        return

    from django.core.management import execute_from_command_line

    aliases = {"demo": "demo_load", "worker": "db_worker"}
    if command in aliases:
        argv = [argv[0], aliases[command], *argv[2:]]
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
