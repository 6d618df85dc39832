"""Jupyter kernels that start with TensorFlow already imported: a fork server for the build.

Importing TensorFlow is slow, and every page of every language would import it again in its
own kernel: much of the time the pages take as plain scripts. The build's execution pass
(execute.py) starts one **fork server** instead, a process that imports the heavy modules
once and then waits. Each page still gets a kernel of its own, a fresh ``ipykernel`` in a fresh
process with a fresh namespace; that process is a ``fork()`` of the server, so the modules are
already in memory (shared copy-on-write) and nothing the server imported has run any code of a
page. What the page's code sees is what ``import tensorflow`` gives in a new process.

Two roles, one module (``python -m tools.build.kernels``):

``serve SOCKET [MODULE ...]``
    The fork server. It imports the modules (``PRELOAD`` by default), listens on the Unix socket ``SOCKET`` and prints
    ``ready``. For each request it forks a kernel and answers with its process id; when the
    kernel ends it sends the exit status. It exits when its standard input closes (the build
    ended), killing any kernel still running.
``kernel SOCKET [ipykernel arguments]``
    What ``jupyter_client`` launches as the kernel (``ForkServer`` writes its kernelspec): a small process,
    without TensorFlow, that asks the server for a kernel with these arguments, this working
    directory and this environment, passes on the signals it receives (interrupt, terminate),
    and exits with the kernel's status. ``jupyter_client`` manages it as it would manage the
    kernel itself; if it is killed, the server kills its kernel.

Only POSIX systems can fork: on Windows, ``available()`` is false and the build starts plain
kernels.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from tools.build import BuildError

# What every kernel imports first on the pages that use it (TensorFlow imports matplotlib.pyplot too).
PRELOAD = ("numpy", "tensorflow", "keras", "ipykernel.kernelapp")
# The name of the fork server's kernelspec (ForkServer.kernel_manager).
KERNEL_NAME = "book-forked-python3"
# The plotting backend ipykernel gives a kernel (kernelapp.IPKernelApp.init_gui_pylab).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def available() -> bool:
    return hasattr(os, "fork") and hasattr(socket, "AF_UNIX") and sys.platform != "win32"


# --- the server -------------------------------------------------------------------------------


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _run_kernel(request: dict) -> None:
    """In the forked child: become the kernel the request describes. Never returns."""
    code = 1
    try:
        # The server changed no signal disposition: the kernel has those of a new Python process.
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [sys.argv[0], *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance(argv=request["argv"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException as error:  # noqa: BLE001 -- report it, then leave without the server's cleanup
        print(f"kernel failed to start: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(path: str, preload: tuple[str, ...] = PRELOAD) -> int:
    # TensorFlow imports matplotlib.pyplot, which fixes its default backend from MPLBACKEND at
    # import. A kernel sets that variable before any cell runs (ipykernel's inline backend, the
    # one that puts figures into the notebook); the server sets it the same way before importing.
    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)
    for name in preload:
        __import__(name)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    kernels: dict[int, socket.socket] = {}  # kernel pid -> the connection of the process that asked
    print("ready", flush=True)
    stdin = sys.stdin.fileno()
    try:
        while True:
            # Kernels that ended: tell whoever asked for them, with the exit status.
            while kernels:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                conn = kernels.pop(pid, None)
                if conn is not None:
                    try:
                        conn.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
                    except OSError:
                        pass
                    conn.close()
            readable, _, _ = select.select([server, stdin, *kernels.values()], [], [], 0.1)
            if stdin in readable and not os.read(stdin, 4096):
                return 0  # the build ended
            for pid, conn in list(kernels.items()):
                if conn in readable and not conn.recv(1):
                    os.kill(pid, signal.SIGKILL)  # the launcher was killed: its kernel goes too
            if server in readable:
                conn, _ = server.accept()
                request = json.loads(_read_line(conn))
                pid = os.fork()
                if pid == 0:
                    server.close()
                    conn.close()
                    for other in kernels.values():
                        other.close()
                    _run_kernel(request)
                kernels[pid] = conn
                conn.sendall(f"{pid}\n".encode())
    finally:
        for pid in kernels:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        server.close()


# --- the launcher that jupyter_client starts ---------------------------------------------------


def kernel(path: str, argv: list[str]) -> int:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    conn.sendall(json.dumps(request).encode() + b"\n")
    pid = int(_read_line(conn))

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    status = _read_line(conn).strip()
    return int(status) if status.lstrip(b"-").isdigit() else 1


# --- what the build uses ---------------------------------------------------------------------------


class ForkServer:
    """The fork server, running for the ``with`` block; ``kernel_manager()`` makes its kernels.

    Its kernels are an ordinary kernelspec, ``KERNEL_NAME``, in a folder of its own (next to the
    server's socket) that only the server's kernel managers search: jupyter_client launches the
    ``kernel`` role with the connection file, as it would launch ipykernel.
    """

    def __init__(self, log, preload: tuple[str, ...] = PRELOAD) -> None:
        self.log = log
        self.preload = preload

    def __enter__(self) -> ForkServer:
        # A short path of its own: a Unix socket's path may not be longer than about 100 bytes.
        self.socket_dir = Path(tempfile.mkdtemp(prefix="book-kernels-"))
        self.socket_path = self.socket_dir / "socket"
        self.kernel_dirs = [str(self.socket_dir / "kernels")]
        write_kernelspec(self.socket_dir / "kernels" / KERNEL_NAME, self.socket_path)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.build.kernels", "serve", str(self.socket_path), *self.preload],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
        )
        line = self._pipes()[1].readline().strip()
        if line != "ready":
            self.process.kill()
            self._stop()
            raise BuildError(f"the kernel fork server did not start (it said {line!r}); see the execution log")
        return self

    def __exit__(self, *exc) -> None:
        self._stop()

    def _pipes(self) -> tuple[IO[str], IO[str]]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None  # both are pipes (Popen above)
        return stdin, stdout

    def _stop(self) -> None:
        stdin, stdout = self._pipes()
        stdin.close()  # the server's signal to stop
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        stdout.close()
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def kernel_manager(self):
        """A jupyter_client KernelManager for a kernel that this server forks."""
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager

        specs = KernelSpecManager(kernel_dirs=self.kernel_dirs, ensure_native_kernel=False)
        return KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)


def write_kernelspec(folder: Path, socket_path: Path) -> None:
    """The kernelspec of the fork server's kernels: the ``kernel`` role, asking the server at ``socket_path``."""
    folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "tools.build.kernels", "kernel", str(socket_path), "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel, forked)",
        "language": "python",
    }
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) >= 2 and args[0] == "serve":
        return serve(args[1], tuple(args[2:]) or PRELOAD)
    if len(args) >= 2 and args[0] == "kernel":
        return kernel(args[1], args[2:])
    print("usage: python -m tools.build.kernels serve SOCKET [MODULE ...] | kernel SOCKET [ipykernel arguments]",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
