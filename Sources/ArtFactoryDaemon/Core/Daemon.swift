import ArtFactoryCatalog
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Glibc
import Logging

/// The daemon process: owns the event loop, the socket and the method table, builds the services
/// once (``DaemonServices``, the composition root) and registers the handler groups
/// (`Daemon+Handlers.swift`); runs until SIGTERM/SIGINT or `daemon.shutdown`.
///
/// Start-up order: directories (0700) → instance lock → config → log → catalog → services →
/// handlers → job lanes → stale socket removed → bind (umask 077 makes the socket 0600) → signals
/// → watches → loop. Nothing slow happens before the socket answers; models and other heavy state
/// load later, in the background.
public final class Daemon: @unchecked Sendable {
    public struct Options: Sendable {
        public var paths: DaemonPaths
        /// Echo the log to stderr.
        public var foreground: Bool = true
        /// An inherited listening socket (systemd socket activation).
        public var inheritedFD: Int32?
        /// Also dispatch the JSON-RPC 2.0 specification's example methods (`subtract`, `sum`, …),
        /// for conformance tests. Set by `ARTFACTORY_SPEC_EXAMPLES=1`.
        public var specExamples: Bool = false

        public init(paths: DaemonPaths) { self.paths = paths }
    }

    public let options: Options
    public var paths: DaemonPaths { options.paths }
    public let startedAt = Date()
    /// `startedAt` in ISO 8601, formatted once (status is on the hot path of health checks).
    lazy var startedAtText = Timestamp.iso8601(startedAt.timeIntervalSince1970)
    let startUptime = DispatchTime.now().uptimeNanoseconds
    public private(set) var config: DaemonConfig
    let loop: EventLoop
    let server: SocketServer
    let table = MethodTable()
    let dispatcher: Dispatcher
    public let logger: Logger
    /// The SQLite catalog (projects, images, jobs, …), opened and migrated at start.
    public let catalog: CatalogDatabase
    /// Every service, built once (the composition root).
    let services: DaemonServices
    var events: EventBus { services.events }
    let sink: LogSink
    private let lock: InstanceLock
    private var stopping = false
    /// Extra counters for `daemon.status` from services (name → value), read on the loop thread.
    private let counters: [String: () -> Int64]

    public init(options: Options) throws {
        self.options = options
        let paths = options.paths
        umask(0o077)
        try paths.createDirectories()
        lock = try InstanceLock(path: paths.lockFile)
        do {
            config = try DaemonConfig.load(path: paths.configFile)
            sink = try LogSink(path: paths.logFile, echoToStderr: options.foreground)
        } catch {
            lock.release()
            throw error
        }
        do {
            catalog = try CatalogDatabase(path: paths.catalog)
            chmod(paths.catalog, 0o600)
        } catch {
            lock.release()
            throw DaemonError(.io, "\(error)", cause: error)
        }
        let level = Logger.Level(rawValue: config.logLevel) ?? .info
        let sink = self.sink
        var logger = Logger(label: "artfactoryd") { label in SinkLogHandler(label: label, sink: sink, level: level) }
        logger.logLevel = level
        self.logger = logger
        loop = try EventLoop()
        var sc = SocketServer.Configuration(path: paths.socket)
        sc.maxLineBytes = config.maxMessageBytes
        sc.inheritedFD = options.inheritedFD
        server = SocketServer(loop: loop, configuration: sc)
        dispatcher = Dispatcher(table: table, logger: logger, maxDepth: config.maxJSONDepth)
        services = DaemonServices(catalog: catalog, loop: loop, paths: paths, config: config, logger: logger)
        counters = services.counters
        applyRequestLogging(level: level)
        for group in handlerGroups(services) { group.register(in: table) }
        do {
            try services.start(loop: loop, logger: logger)
        } catch {
            sink.flush()
            lock.release()
            throw error
        }
    }

    /// Runs until stopped; returns the process exit status.
    public func run() throws -> Int32 {
        if options.inheritedFD == nil { try removeStaleSocket() }
        wireServer()
        do {
            try server.start()
        } catch {
            lock.release()
            throw DaemonError(.socket, "\(error)", cause: error)
        }
        if options.inheritedFD == nil { chmod(paths.socket, 0o600) }
        loop.onSignal(SIGTERM) { [self] in beginShutdown(reason: "SIGTERM") }
        loop.onSignal(SIGINT) { [self] in beginShutdown(reason: "SIGINT") }
        loop.onSignal(SIGHUP) { [self] in reloadConfig() }
        signal(SIGPIPE, SIG_IGN)
        loop.repeating(everyMs: 200) { [sink] in sink.flush() }
        services.startWithLoop()
        logger.notice("artfactoryd started", metadata: [
            "version": .string(ArtFactoryVersion.string), "pid": .stringConvertible(getpid()),
            "home": .string(paths.home), "socket": .string(paths.socket),
        ])
        sink.flush()
        loop.run()
        if options.inheritedFD == nil { unlink(paths.socket) }
        logger.notice("artfactoryd stopped")
        sink.flush()
        lock.release()
        return 0
    }

    private func removeStaleSocket() throws {
        var st = stat()
        guard lstat(paths.socket, &st) == 0 else { return }
        // We hold the instance lock, so no live daemon owns this path: it is left over from a crash.
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw DaemonError(.socket, "\(paths.socket) exists and is not a socket; move it away and start again.")
        }
        unlink(paths.socket)
        logger.warning("replaced a stale socket left by an earlier daemon", metadata: ["socket": .string(paths.socket)])
    }

    private func wireServer() {
        server.logger = { [logger] in logger.warning("\($0)") }
        server.onLine = { [dispatcher] conn, line in dispatcher.handle(line: line, from: conn) }
        server.onOverflow = { [self] conn in
            logger.warning("message too large; closing connection", metadata: ["connection": .stringConvertible(conn.id)])
            conn.send(line: JSONWriter.bytes(RPCResponse(id: .null, error: .messageTooLarge(limit: config.maxMessageBytes)).jsonValue))
        }
        server.onRefused = { [logger] peer in
            logger.warning("refused a connection from another user", metadata: [
                "uid": .string(peer.map { String($0.uid) } ?? "unknown"), "pid": .string(peer.map { String($0.pid) } ?? "unknown"),
            ])
        }
        server.onClose = { [events] conn in events.remove(conn) }
    }

    /// Stop accepting, tell subscribers, let work in flight finish (up to the grace period), then exit.
    func beginShutdown(reason: String) {
        guard !stopping else { return }
        stopping = true
        logger.notice("shutting down", metadata: ["reason": .string(reason)])
        dispatcher.refusing = true
        server.stopAccepting()
        events.publish(topic: EventTopic.daemon, method: "daemon.stopping", params: ["reason": .string(reason)])
        services.stop()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(config.shutdownGraceSeconds * 1e9)
        var closing = false
        loop.repeating(everyMs: 10) { [self] in
            let now = DispatchTime.now().uptimeNanoseconds
            if !closing && (dispatcher.inFlight == 0 || now > deadline) {
                closing = true
                server.closeAll()
            }
            if closing && (server.connectionCount == 0 || now > deadline + 2_000_000_000) {
                sink.flush()
                loop.stop()
            }
        }
    }

    /// One log line per request at level info and below (the log level is re-read on SIGHUP).
    func applyRequestLogging(level: Logger.Level) {
        guard level <= .info else { dispatcher.requestLog = nil; return }
        let requestSink = sink
        dispatcher.requestLog = { method, micros, outcome in
            requestSink.appendRequest(method: method, micros: micros, outcome: outcome)
        }
    }

    /// SIGHUP: re-read config.json; on error keep the old settings and log why.
    func reloadConfig() {
        do {
            let new = try DaemonConfig.load(path: paths.configFile)
            config = new
            services.providers.reload(new)
            dispatcher.maxDepth = new.maxJSONDepth
            applyRequestLogging(level: Logger.Level(rawValue: new.logLevel) ?? .info)
            logger.notice("configuration reloaded", metadata: ["file": .string(paths.configFile)])
            events.publish(topic: EventTopic.daemon, method: "daemon.configReloaded", params: ["file": .string(paths.configFile)])
        } catch {
            logger.error("configuration not reloaded; keeping the previous one", metadata: ["error": .string("\(error)")])
        }
    }

    /// The status snapshot. Loop thread.
    func status() -> DaemonStatus.Result {
        var counts: [String: Int64] = [
            "connections": Int64(server.connectionCount),
            "subscribers": Int64(events.subscriberCount),
            "requests": dispatcher.served,
        ]
        for (name, read) in counters { counts[name] = read() }
        return DaemonStatus.Result(
            version: ArtFactoryVersion.string, pid: getpid(),
            uptimeSeconds: Double(DispatchTime.now().uptimeNanoseconds - startUptime) / 1e9,
            startedAt: startedAtText, home: paths.home, socket: paths.socket, counts: counts, providers: services.providers.reachability())
    }
}
