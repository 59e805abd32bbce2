import Foundation
import Glibc

/// What a long-running daemon must not inherit from whoever started it.
public enum ProcessHygiene {
    /// Closes every descriptor above stderr except `keep`. A launcher's pipes left open in the
    /// daemon would otherwise keep its caller's reads from ever seeing end-of-file.
    public static func closeInheritedDescriptors(keeping keep: [Int32]) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        let fds = entries.compactMap { Int32($0) }.filter { $0 > 2 && !keep.contains($0) }
        for fd in fds { close(fd) }
    }

    /// SIGTERM, SIGINT and SIGHUP may arrive blocked (a parent's mask is inherited); the daemon's
    /// event loop must see them.
    public static func unblockControlSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGCHLD] { sigaddset(&set, s) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for s in [SIGTERM, SIGINT, SIGHUP] { signal(s, SIG_DFL) }
    }
}
