import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc

/// `artfactory-bench-rpc`: daemon.status latency and throughput beside a bare libuv line echo on
/// the same machine in the same run, and daemon start-to-first-answer time. Prints figures only;
/// nothing here asserts (benchmarks are not tests). Driven by Scripts/bench-rpc.
@main
struct BenchRPC {
    static func main() throws {
        let args = CommandLine.arguments
        if args.count == 3, args[1] == "--echo-server" { runEchoServer(path: args[2]) }
        let daemonPath = ProcessInfo.processInfo.environment["ARTFACTORY_DAEMON"]
            ?? ((CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/artfactoryd")
        let latencyN = Int(ProcessInfo.processInfo.environment["BENCH_LATENCY_N"] ?? "20000") ?? 20000
        let perClient = Int(ProcessInfo.processInfo.environment["BENCH_PER_CLIENT"] ?? "2000") ?? 2000
        let dir = try makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // Bare echo: a second process running a libuv line echo (the same socket layer, no JSON).
        let echoSock = dir + "/echo.sock"
        let echo = try spawn(CommandLine.arguments[0], ["--echo-server", echoSock], env: [:])
        try waitForSocket(echoSock)
        let ping = Array(#"{"jsonrpc":"2.0","method":"daemon.status","id":1}"#.utf8) + [0x0A]
        let echoLat = try latency(path: echoSock, request: ping, n: latencyN)
        let echoTput = try throughput(path: echoSock, request: ping, clients: 32, perClient: perClient)
        kill(echo, SIGKILL)

        // The daemon.
        let home = dir + "/home"
        let daemon = try spawn(daemonPath, ["--detached"], env: ["ARTFACTORY_HOME": home])
        let sock = home + "/artfactoryd.sock"
        try waitForSocket(sock)
        let rpcLat = try latency(path: sock, request: ping, n: latencyN)
        let rpcTput = try throughput(path: sock, request: ping, clients: 32, perClient: perClient)
        let statusLine = try answer(path: sock, request: ping)
        kill(daemon, SIGTERM)
        var st: Int32 = 0
        waitpid(daemon, &st, 0)

        // Start to first answered request, fresh home each time.
        var starts: [Double] = []
        for i in 0..<10 {
            let h = dir + "/s\(i)"
            let t0 = now()
            let pid = try spawn(daemonPath, ["--detached"], env: ["ARTFACTORY_HOME": h])
            try waitForAnswer(h + "/artfactoryd.sock", request: ping)
            starts.append(now() - t0)
            kill(pid, SIGTERM)
            waitpid(pid, &st, 0)
        }

        func ms(_ s: Double) -> String { String(format: "%.1f", s * 1e6) }
        print("bench-rpc (\(ProcessInfo.processInfo.activeProcessorCount) cores; latency n=\(latencyN), throughput 32 clients x \(perClient))")
        print("                       p50 us   p99 us   req/s (32 clients)")
        print(String(format: "bare echo (libuv)     %7@  %7@   %9.0f", ms(echoLat.p50), ms(echoLat.p99), echoTput))
        print(String(format: "daemon.status         %7@  %7@   %9.0f", ms(rpcLat.p50), ms(rpcLat.p99), rpcTput))
        print(String(format: "ratio (daemon/echo)   %7.2f  %7.2f   %9.2f", rpcLat.p50 / echoLat.p50, rpcLat.p99 / echoLat.p99, rpcTput / echoTput))
        let codec = JSONCodecBench.run(request: Array(ping.dropLast()), response: statusLine, n: latencyN)
        print(String(format: "JSON codec per status round trip: ArtFactoryJSON %.2f us, Foundation JSONSerialization %.2f us (%.1fx)",
                     codec.ourMicros, codec.foundationMicros, codec.foundationMicros / codec.ourMicros))
        starts.sort()
        print(String(format: "daemon start to first answer: median %.1f ms, min %.1f ms, max %.1f ms (10 starts)",
                     starts[starts.count / 2] * 1000, starts[0] * 1000, starts[starts.count - 1] * 1000))
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    static func makeTempDir() throws -> String {
        var t = Array("/tmp/afbench-XXXXXX".utf8CString)
        guard let p = mkdtemp(&t) else { throw BenchError("mkdtemp failed") }
        return String(cString: p)
    }

    struct BenchError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func spawn(_ path: String, _ args: [String], env extra: [String: String]) throws -> pid_t {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        let argv = ([path] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, nil, nil, argv, envp)
        guard rc == 0 else { throw BenchError("cannot start \(path): \(rc)") }
        return pid
    }

    static func connectSocket(_ path: String) -> Int32? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 { close(fd); return nil }
        return fd
    }

    static func waitForSocket(_ path: String) throws {
        for _ in 0..<5000 {
            if let fd = connectSocket(path) { close(fd); return }
            usleep(1000)
        }
        throw BenchError("nothing listens on \(path)")
    }

    static func waitForAnswer(_ path: String, request: [UInt8]) throws {
        for _ in 0..<20000 {
            if let fd = connectSocket(path) {
                defer { close(fd) }
                var reader = LineReader(fd: fd)
                if sendAll(fd, request), reader.readLine() { return }
            }
            usleep(200)
        }
        throw BenchError("no answer on \(path)")
    }

    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    /// Reads `\n`-terminated replies from a blocking socket.
    struct LineReader {
        let fd: Int32
        var buf = [UInt8](repeating: 0, count: 65536)
        var start = 0, end = 0
        init(fd: Int32) { self.fd = fd }
        mutating func readLine() -> Bool {
            while true {
                if let i = buf[start..<end].firstIndex(of: 0x0A) { start = i + 1; return true }
                if start == end { start = 0; end = 0 }
                if end == buf.count {
                    buf.removeSubrange(0..<start)
                    end -= start; start = 0
                    buf += [UInt8](repeating: 0, count: 65536)
                }
                let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + end, $0.count - end, 0) }
                if n <= 0 { return false }
                end += n
            }
        }
    }

    /// One answer line (without its newline) to `request`.
    static func answer(path: String, request: [UInt8]) throws -> [UInt8] {
        guard let fd = connectSocket(path) else { throw POSIXError(.ECONNREFUSED) }
        defer { close(fd) }
        guard sendAll(fd, request) else { throw POSIXError(.EPIPE) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == 0x0A { return line }
            line.append(byte)
        }
        throw POSIXError(.ECONNRESET)
    }

    static func latency(path: String, request: [UInt8], n: Int) throws -> (p50: Double, p99: Double) {
        guard let fd = connectSocket(path) else { throw BenchError("connect failed") }
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        var samples = [Double]()
        samples.reserveCapacity(n)
        for i in 0..<(n + 500) {
            let t = now()
            guard sendAll(fd, request), reader.readLine() else { throw BenchError("round trip failed") }
            if i >= 500 { samples.append(now() - t) }  // the first 500 warm up
        }
        samples.sort()
        return (samples[samples.count / 2], samples[samples.count * 99 / 100])
    }

    static func throughput(path: String, request: [UInt8], clients: Int, perClient: Int) throws -> Double {
        let group = DispatchGroup()
        let failures = FailureCount()
        let start = now()
        for _ in 0..<clients {
            group.enter()
            let t = Thread {
                defer { group.leave() }
                guard let fd = connectSocket(path) else { failures.add(); return }
                defer { close(fd) }
                var reader = LineReader(fd: fd)
                for _ in 0..<perClient where !(sendAll(fd, request) && reader.readLine()) { failures.add(); return }
            }
            t.start()
        }
        group.wait()
        let elapsed = now() - start
        if failures.value > 0 { throw BenchError("a client failed") }
        return Double(clients * perClient) / elapsed
    }

    final class FailureCount: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.lock(); n += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    static func runEchoServer(path: String) -> Never {
        do {
            let loop = try EventLoop()
            let server = SocketServer(loop: loop, configuration: .init(path: path))
            server.onLine = { conn, line in conn.send(line: line) }
            try server.start()
            loop.run()
            exit(0)
        } catch {
            FileHandle.standardError.write(Data("echo server: \(error)\n".utf8))
            exit(1)
        }
    }
}
