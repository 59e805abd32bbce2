"""The blocking client: one socket, calls in order, notifications delivered while waiting."""

import json
import os
import socket
import time

from .errors import DaemonUnavailable, JobFailed, error_from_wire

TERMINAL = ("succeeded", "failed", "canceled")


def default_socket_path(environ=None):
    """The socket the daemon uses by default: $ARTFACTORY_HOME/artfactoryd.sock, else XDG rules."""
    env = os.environ if environ is None else environ
    home = env.get("ARTFACTORY_HOME")
    if home:
        return os.path.join(os.path.abspath(home), "artfactoryd.sock")
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and runtime.startswith("/"):
        return os.path.join(runtime, "artfactory", "artfactoryd.sock")
    data = env.get("XDG_DATA_HOME")
    if not (data and data.startswith("/")):
        data = os.path.join(env.get("HOME", "/tmp"), ".local", "share")
    return os.path.join(data, "artfactory", "artfactoryd.sock")


class ArtFactoryClient:
    """A connection to artfactoryd.

    Calls block until their answer arrives. Server notifications (job progress, gallery changes)
    that arrive meanwhile go to `on_notification(method, params)` and to any per-call handler.
    Not thread-safe: use one client per thread.
    """

    def __init__(self, socket_path=None, timeout=60.0, on_notification=None):
        self.socket_path = socket_path or default_socket_path()
        self.timeout = timeout
        self.on_notification = on_notification
        self._next_id = 1
        self._buffer = b""
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self._sock.connect(self.socket_path)
        except OSError as e:
            self._sock.close()
            raise DaemonUnavailable(
                "cannot reach the ArtFactory daemon at %s (%s); start it with: artfactory daemon start"
                % (self.socket_path, e.strerror or e)) from None

    # -- plumbing -----------------------------------------------------------------------------

    def close(self):
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _send(self, message):
        self._sock.sendall(json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n")

    def _read_message(self, deadline):
        while b"\n" not in self._buffer:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise TimeoutError("no message from the daemon in time")
            self._sock.settimeout(remaining)
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                raise TimeoutError("no message from the daemon in time") from None
            if not chunk:
                raise DaemonUnavailable("the daemon closed the connection")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line.decode("utf-8"))

    def _dispatch(self, message, handler):
        if "method" in message and "id" not in message:
            if handler:
                handler(message["method"], message.get("params"))
            if self.on_notification:
                self.on_notification(message["method"], message.get("params"))
            return True
        return False

    def call(self, method, params=None, notification_handler=None, timeout=None):
        """Calls `method` with `params` (a dict or list) and returns the result.

        Raises a subclass of RPCError for error answers (NotFound, InvalidParams, …)."""
        request_id = self._next_id
        self._next_id += 1
        message = {"jsonrpc": "2.0", "method": method, "id": request_id}
        if params is not None:
            message["params"] = params
        self._send(message)
        limit = self.timeout if timeout is None else timeout
        deadline = None if limit is None else time.monotonic() + limit
        while True:
            reply = self._read_message(deadline)
            if self._dispatch(reply, notification_handler):
                continue
            if reply.get("id") != request_id:
                continue
            if "error" in reply:
                raise error_from_wire(reply["error"])
            return reply.get("result")

    def wait_for_notification(self, timeout=10.0):
        """Returns the next notification as (method, params), or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                message = self._read_message(deadline)
            except TimeoutError:
                return None
            if "method" in message and "id" not in message:
                if self.on_notification:
                    self.on_notification(message["method"], message.get("params"))
                return message["method"], message.get("params")

    # -- typed helpers ------------------------------------------------------------------------

    def status(self):
        """daemon.status: version, pid, uptime, home, socket, counters."""
        return self.call("daemon.status")

    def discover(self):
        """rpc.discover: the OpenRPC document of every method."""
        return self.call("rpc.discover")

    def subscribe(self, *topics):
        """events.subscribe: notifications for `topics` ("job", "gallery", "daemon", or "*")."""
        return self.call("events.subscribe", {"topics": list(topics)})["topics"]

    def job(self, job_id):
        """job.get: a job's record (status, progress, images)."""
        return self.call("job.get", {"id": job_id})

    def wait_for_job(self, job_id, progress=None, timeout=3600.0):
        """Waits until the job ends, calling `progress(progress_dict)` on each job.progress.

        Returns the final job record; raises JobFailed when it failed or was canceled."""
        self.subscribe("job")
        deadline = time.monotonic() + timeout
        job = self.job(job_id)
        while job["status"] not in TERMINAL:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("job %s still %s after %.0f s" % (job_id, job["status"], timeout))
            note = self.wait_for_notification(timeout=min(remaining, 2.0))
            if note:
                method, params = note
                if method == "job.progress" and params.get("id") == job_id and progress:
                    progress(params.get("progress") or {})
                if method == "job.state" and params.get("id") != job_id:
                    continue
            job = self.job(job_id)  # polling too, so a missed notification never hangs us
        if job["status"] != "succeeded":
            raise JobFailed(job)
        return job

    def generate(self, prompt, progress=None, wait=True, timeout=3600.0, **params):
        """generate: queues a generation; with `wait` (default) waits and returns the finished job,
        whose "images" list holds path, thumbnail, seed, width and height of each image.

        Other keyword arguments are the method's params (negativePrompt, model, count, width,
        height, steps, guidance, sampler, seed, preset, project, tags, …)."""
        if wait:
            self.subscribe("job")
        params = dict(params, prompt=prompt)
        queued = self.call("generate", params)
        if not wait:
            return queued
        return self.wait_for_job(queued["jobId"], progress=progress, timeout=timeout)

    def gallery_list(self, filter=None, limit=50, cursor=None, **params):
        """gallery.list: one page of images ({"items": [...], "nextCursor": ...})."""
        params = dict(params, limit=limit)
        if filter:
            params["filter"] = filter
        if cursor:
            params["cursor"] = cursor
        return self.call("gallery.list", params)

    def gallery_search(self, query, filter=None, limit=50, cursor=None, **params):
        """gallery.search: ranked full-text search ({"hits": [{"image", "score"}], "nextCursor"})."""
        params = dict(params, query=query, limit=limit)
        if filter:
            params["filter"] = filter
        if cursor:
            params["cursor"] = cursor
        return self.call("gallery.search", params)

    def favorite(self, ids, favorite=True):
        """gallery.favorite: marks (or unmarks) images as favorites."""
        return self.call("gallery.favorite", {"ids": list(ids), "favorite": favorite})

    def export(self, destination, ids=None, format="folder", progress=None, wait=True, timeout=3600.0, **params):
        """gallery.export: copies originals (and a manifest) to a folder or a ZIP file.

        The export is a job: with `wait` (default) this waits, calling `progress` with each
        job.progress ({"done", "total", "etaSeconds"}), and returns the finished job, whose
        "exportResult" holds path, format, images and bytes; without it, the queued job."""
        params = dict(params, destination=os.path.abspath(destination), format=format)
        if ids is not None:
            params["ids"] = list(ids)
        return self._file_job("gallery.export", params, progress, wait, timeout)

    def import_images(self, paths, progress=None, wait=True, timeout=3600.0, **params):
        """gallery.import: copies image files or folders (or restores an export) into the gallery.

        The import is a job: with `wait` (default) this waits, calling `progress` with each
        job.progress ({"phase": "check"|"store", "done", "total", "etaSeconds"}), and returns the
        finished job, whose "importResult" holds imported, duplicates, failed and one item per
        file; without it, the queued job. Other keyword arguments are the method's params
        (projectId, tags, strip, skipInvalid)."""
        params = dict(params, paths=[os.path.abspath(p) for p in paths])
        return self._file_job("gallery.import", params, progress, wait, timeout)

    def _file_job(self, method, params, progress, wait, timeout):
        if wait:
            self.subscribe("job")
        queued = self.call(method, params)
        if not wait:
            return queued
        return self.wait_for_job(queued["id"], progress=progress, timeout=timeout)

    def watch_add(self, folder, project_id, tags=None, as_="image"):
        """watch.add: imports every new image dropped into `folder` (a Figma export folder, say).

        as_="image" stores gallery images; as_="input" stores input assets whose ids work as
        `source` for generate (image-to-image). Each import is announced as a `watch.imported`
        notification on the "gallery" topic with the new image's id."""
        params = {"dir": os.path.abspath(folder), "projectId": project_id, "as": as_}
        if tags:
            params["tags"] = list(tags)
        return self.call("watch.add", params)

    def watch_list(self):
        """watch.list: the watched folders with status, counts and the latest problem."""
        return self.call("watch.list")["watches"]

    def watch_remove(self, watch_id=None, folder=None):
        """watch.remove: stops watching (by watch id or by folder); imported images stay."""
        if (watch_id is None) == (folder is None):
            raise ValueError("pass watch_id or folder")
        return self.call("watch.remove", {"id": watch_id} if watch_id else {"dir": os.path.abspath(folder)})
