import Foundation
import Glibc

/// One daemon per home: an exclusive `flock` on `artfactoryd.lock`, held for the process's life.
/// The kernel drops it when the process dies, so a crash never leaves a stale lock behind.
final class InstanceLock {
    private let fd: Int32
    let path: String

    /// Takes the lock or explains who holds it.
    init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DaemonError(.io, "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = InstanceLock.readPID(fd: fd)
            close(fd)
            let who = holder.map { " (pid \($0))" } ?? ""
            throw DaemonError(.alreadyRunning, "Another artfactoryd is already running for this home\(who); lock file \(path). Use it, or stop it with: artfactory daemon stop")
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        fsync(fd)
        self.fd = fd
        self.path = path
    }

    private static func readPID(fd: Int32) -> Int32? {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buf, 31, 0)
        guard n > 0 else { return nil }
        return Int32(String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Releases the lock (also happens at exit).
    func release() {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
