"""End-to-end tests of artfactory_client against a real artfactoryd (run by Scripts/test).

ARTFACTORY_BIN names the folder holding the built artfactoryd (Scripts/test sets it)."""
import os
import shutil
import subprocess
import sys
import tempfile
import struct
import time
import unittest
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

from artfactory_client import (  # noqa: E402
    ArtFactoryClient, DaemonUnavailable, InvalidParams, MethodNotFound, NotFound, default_socket_path,
)


def daemon_binary():
    folder = os.environ.get("ARTFACTORY_BIN")
    if not folder:
        folder = subprocess.run(["swift", "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    return os.path.join(folder, "artfactoryd")


class DaemonTestCase(unittest.TestCase):
    """Starts a daemon in a fresh home for each test class."""

    @classmethod
    def setUpClass(cls):
        cls.home = tempfile.mkdtemp(prefix="afpy-", dir="/tmp")
        models = os.path.join(cls.home, "models")
        os.makedirs(models, exist_ok=True)
        shutil.copytree(os.path.join(REPO, "Tests/ArtFactoryEngineTests/Fixtures/pipelines/sd1-tiny"),
                        os.path.join(models, "sd1-tiny"))
        env = dict(os.environ, ARTFACTORY_HOME=cls.home)
        cls.proc = subprocess.Popen([daemon_binary(), "--detached"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.socket = os.path.join(cls.home, "artfactoryd.sock")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with ArtFactoryClient(cls.socket, timeout=5) as c:
                    c.status()
                return
            except Exception:
                time.sleep(0.02)
        raise RuntimeError("artfactoryd did not start")

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=30)
        shutil.rmtree(cls.home, ignore_errors=True)

    def client(self):
        return ArtFactoryClient(self.socket, timeout=120)


class CoreTests(DaemonTestCase):
    def test_status_and_discover(self):
        with self.client() as af:
            status = af.status()
            self.assertEqual(status["home"], self.home)
            self.assertEqual(status["pid"], self.proc.pid)
            names = {m["name"] for m in af.discover()["methods"]}
            self.assertIn("daemon.status", names)

    def test_errors_are_mapped_to_exceptions(self):
        with self.client() as af:
            with self.assertRaises(MethodNotFound):
                af.call("no.such.method")
            with self.assertRaises(InvalidParams) as ctx:
                af.call("daemon.status", {"verbose": True})
            self.assertEqual(ctx.exception.path, "verbose")
            with self.assertRaises(InvalidParams):
                af.subscribe("weather")

    def test_unreachable_daemon_is_a_clear_error(self):
        with self.assertRaises(DaemonUnavailable) as ctx:
            ArtFactoryClient(os.path.join(self.home, "nope.sock"))
        self.assertIn("artfactory daemon start", str(ctx.exception))

    def test_default_socket_path_follows_the_daemon_rules(self):
        self.assertEqual(default_socket_path({"ARTFACTORY_HOME": "/x/y"}), "/x/y/artfactoryd.sock")
        self.assertEqual(default_socket_path({"XDG_RUNTIME_DIR": "/run/user/7", "HOME": "/h"}),
                         "/run/user/7/artfactory/artfactoryd.sock")
        self.assertEqual(default_socket_path({"HOME": "/h"}), "/h/.local/share/artfactory/artfactoryd.sock")


class GenerationTests(DaemonTestCase):
    def setUp(self):
        with self.client() as af:
            names = {m["name"] for m in af.discover()["methods"]}
        if not {"generate", "gallery.search"} <= names:
            self.skipTest("this daemon has no generate/gallery.search methods")

    def test_generate_with_progress_then_search(self):
        seen = []
        with self.client() as af:
            job = af.generate("a small red circle in the corner", model="sd1-tiny", count=2, steps=3,
                              width=64, height=64, seed=7, progress=seen.append)
            self.assertEqual(job["status"], "succeeded")
            self.assertEqual(len(job["images"]), 2)
            for image in job["images"]:
                self.assertTrue(os.path.exists(image["path"]), image["path"])
                self.assertEqual((image["width"], image["height"]), (64, 64))
            self.assertEqual([i["seed"] for i in job["images"]], [7, 8])
            self.assertTrue(seen, "progress callbacks arrived")
            final = job.get("progress") or {}
            self.assertEqual((final.get("step"), final.get("image")), (final.get("totalSteps"), final.get("images")),
                             "a finished job's stored progress shows where it ended")
            hits = af.gallery_search("circle")["hits"]
            self.assertGreaterEqual(len(hits), 2)
            with self.assertRaises(NotFound):
                af.job("job_00000000000000000000000000")


def write_png(path, side, seed, pieces=1, pause=0.0):
    """A noise RGB PNG written with the standard library, optionally in `pieces` with pauses."""
    rows, state = [], seed * 2654435761 % 2**32 or 1
    for _ in range(side):
        row = bytearray([0])
        for _ in range(side * 3):
            state = (state * 1103515245 + 12345) % 2**31
            row.append(state >> 23)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
    with open(path, "wb") as f:
        for i in range(pieces):
            f.write(png[len(png) * i // pieces:len(png) * (i + 1) // pieces])
            f.flush()
            if i < pieces - 1:
                time.sleep(pause)
    return png


class WatchTests(DaemonTestCase):
    def test_watched_input_becomes_an_image_to_image_source(self):
        folder = tempfile.mkdtemp(prefix="afpy-watch-", dir="/tmp")
        try:
            with self.client() as af:
                project = af.call("project.create", {"name": "Figma"})
                watch = af.watch_add(folder, project["id"], tags=["figma"], as_="input")
                self.assertEqual((watch["as"], watch["status"]), ("input", "watching"))
                af.subscribe("gallery")
                write_png(os.path.join(folder, "frame.png"), 64, 3, pieces=3, pause=0.7)
                deadline, note = time.monotonic() + 60, None
                while note is None and time.monotonic() < deadline:
                    n = af.wait_for_notification(timeout=1)
                    if n and n[0] == "watch.imported":
                        note = n[1]
                self.assertIsNotNone(note, "the watched file was announced")
                self.assertEqual((note["status"], note["as"]), ("imported", "input"))
                job = af.generate("a watercolor version", model="sd1-tiny", steps=3, seed=1,
                                  source=note["id"], strength=0.5)
                self.assertEqual(job["status"], "succeeded")
                self.assertEqual([w["imported"] for w in af.watch_list()], [1])
                self.assertEqual(af.watch_remove(watch_id=watch["id"])["removed"], watch["id"])
                self.assertEqual(af.watch_list(), [])
                with self.assertRaises(NotFound):
                    af.watch_remove(folder=folder)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class FileJobTests(DaemonTestCase):
    def test_import_and_export_are_jobs_with_progress(self):
        src = tempfile.mkdtemp(prefix="afpy-src-", dir="/tmp")
        out = tempfile.mkdtemp(prefix="afpy-out-", dir="/tmp")
        try:
            fixtures = os.path.join(REPO, "Tests/ArtFactoryImagingTests/Fixtures")
            pngs = sorted(f for f in os.listdir(fixtures) if f.endswith(".png") and "trunc" not in f)[:3]
            for name in pngs:
                shutil.copy(os.path.join(fixtures, name), os.path.join(src, name))
            seen = []
            with self.client() as af:
                queued = af.import_images([src], wait=False)
                self.assertEqual((queued["kind"], queued["status"]), ("import", "queued"))
                job = af.wait_for_job(queued["id"], progress=seen.append)
                result = job["importResult"]
                self.assertEqual(result["imported"] + result["duplicates"] + result["failed"], len(pngs))
                again = af.import_images([src])
                self.assertEqual(again["importResult"]["imported"], 0)
                exported = af.export(os.path.join(out, "all.zip"), format="zip", progress=seen.append)
                self.assertEqual(exported["exportResult"]["format"], "zip")
                self.assertTrue(os.path.exists(os.path.join(out, "all.zip")))
                with self.assertRaises(InvalidParams):
                    af.import_images([os.path.join(src, "missing.png")])
            self.assertTrue(any("done" in p and "total" in p for p in seen), seen)
        finally:
            shutil.rmtree(src, ignore_errors=True)
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
