import ArtFactoryProtocol
import Glibc

/// systemd-style socket activation: `LISTEN_PID` names us and `LISTEN_FDS` ≥ 1 means fd 3 is a
/// listening socket handed over by the supervisor.
public enum SocketActivation {
    /// The inherited listening fd, or nil when not socket-activated.
    public static func inheritedListener(environment env: [String: String]) -> Int32? {
        guard let fds = env["LISTEN_FDS"].flatMap({ Int($0) }), fds >= 1 else { return nil }
        if let pid = env["LISTEN_PID"].flatMap({ Int32($0) }), pid != getpid() { return nil }
        let fd: Int32 = 3
        let flags = fcntl(fd, F_GETFD)
        guard flags >= 0 else { return nil }
        _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC)
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDNAMES")
        return fd
    }
}

/// The version string for `--version`.
public func artfactoryVersion() -> String { "artfactoryd \(ArtFactoryVersion.string)" }
