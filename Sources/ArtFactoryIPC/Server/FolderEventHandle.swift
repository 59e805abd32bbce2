import CUV
import Glibc

extension EventLoop {
    /// Calls `body` on the loop thread whenever something changes in the folder at `path`
    /// (a file created, written, renamed or removed directly inside it; libuv uses inotify on Linux,
    /// which is not recursive). Loop thread only.
    ///
    /// An event only says *that* something changed, with the file name when the kernel gives one;
    /// callers rescan. `body` gets an error status (a negative libuv code) instead of a name when the
    /// watch broke, for example because the folder was removed; the handle then stays open but
    /// reports nothing more, so close it and start again once the folder is back.
    /// - Returns: the registration; `close()` stops watching.
    /// - Throws: `IPCError(.libuv)` when the folder cannot be watched (missing, not a folder, out of
    ///   inotify watches).
    public func watchFolder(_ path: String, _ body: @escaping (_ name: String?, _ status: Int32) -> Void) throws -> LoopHandle {
        let h = FolderEventHandle(loop: self, body: body)
        try h.start(path)
        retain(h)
        return h
    }
}

/// A `uv_fs_event_t` registration (see ``EventLoop/watchFolder(_:_:)``).
final class FolderEventHandle: LoopHandle {
    let handle: UnsafeMutablePointer<uv_fs_event_t> = .allocate(capacity: 1)
    let body: (String?, Int32) -> Void
    var closed = false

    init(loop: EventLoop, body: @escaping (String?, Int32) -> Void) {
        self.body = body
        super.init(owner: loop)
        uv_fs_event_init(loop.loop, handle)
        handle.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    func start(_ path: String) throws {
        let rc = uv_fs_event_start(handle, { h, name, _, status in
            guard let data = h?.pointee.data else { return }
            let me = Unmanaged<FolderEventHandle>.fromOpaque(data).takeUnretainedValue()
            guard !me.closed else { return }
            me.body(status < 0 ? nil : name.map { String(cString: $0) }, status)
        }, path, 0)
        guard rc == 0 else {
            closed = true
            uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { h in h?.deallocate() }
            throw IPCError(.libuv, "cannot watch \(path): \(String(cString: uv_strerror(rc)))", cause: rc)
        }
    }

    override func close() {
        guard !closed else { return }
        closed = true
        uv_fs_event_stop(handle)
        uv_close(UnsafeMutableRawPointer(handle).assumingMemoryBound(to: uv_handle_t.self)) { h in h?.deallocate() }
        owner.release(self)
    }
}
