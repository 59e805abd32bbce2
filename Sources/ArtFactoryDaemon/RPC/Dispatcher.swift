import ArtFactoryIPC
import ArtFactoryProtocol
import Dispatch
import Foundation
import Logging

/// Turns request lines into responses: parse, validate the envelope, route through the method
/// table (inline or on a worker), and write the reply — one line per single request, one array per batch.
public final class Dispatcher: @unchecked Sendable {
    let table: MethodTable
    let logger: Logger
    let workers = DispatchQueue(label: "artfactory.rpc.workers", attributes: .concurrent)
    /// Limits concurrently running worker handlers across all connections.
    let workerSlots = DispatchSemaphore(value: 16)
    var maxDepth: Int
    /// Writes the one log line per request; nil when the log level is above info.
    var requestLog: (@Sendable (_ method: String, _ micros: UInt64, _ outcome: String) -> Void)?
    /// Set during shutdown: new requests get `shuttingDown`.
    var refusing = false
    /// Requests served (loop thread).
    private(set) var served: Int64 = 0
    /// Worker handlers running now (loop thread).
    private(set) var inFlight = 0

    init(table: MethodTable, logger: Logger, maxDepth: Int) {
        self.table = table
        self.logger = logger
        self.maxDepth = maxDepth
    }

    /// Handles one line from `conn`. Loop thread.
    func handle(line: [UInt8], from conn: Connection) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }  // blank keep-alive lines
        let json: JSONValue
        do {
            json = try JSONParser(maxDepth: maxDepth).parse(line)
        } catch {
            reply(conn, RPCResponse(id: .null, error: .parseError(error.description)).jsonValue)
            return
        }
        if case .array(let items) = json {
            guard !items.isEmpty else {
                reply(conn, RPCResponse(id: .null, error: .invalidRequest("empty batch")).jsonValue)
                return
            }
            let collector = BatchCollector(count: items.count) { [weak self] responses in
                guard let self else { return }
                if !responses.isEmpty { self.reply(conn, .array(responses.map(\.jsonValue))) }
            }
            for item in items {
                handleOne(item, conn: conn) { collector.add($0) }
            }
        } else {
            handleOne(json, conn: conn) { [weak self] response in
                if let response { self?.reply(conn, response.jsonValue) }
            }
        }
    }

    private func reply(_ conn: Connection, _ value: JSONValue) {
        conn.send(line: JSONWriter.bytes(value))
    }

    /// Handles one request object; `done` gets its response (nil for a notification). `done` runs on
    /// the loop thread or a worker thread.
    private func handleOne(_ json: JSONValue, conn: Connection, done: @escaping @Sendable (RPCResponse?) -> Void) {
        let request: RPCRequest
        do {
            request = try RPCRequest(validating: json)
        } catch {
            done(RPCResponse(id: error.id, error: error.error))
            return
        }
        served += 1
        guard let entry = table.entries[request.method] else {
            requestLog?(String(request.method.prefix(64)), 0, "methodNotFound")
            done(request.id.map { RPCResponse(id: $0, error: .methodNotFound(request.method)) })
            return
        }
        if refusing && request.method != DaemonStatus.method {
            done(request.id.map { RPCResponse(id: $0, error: .shuttingDown) })
            return
        }
        let ctx = RequestContext(connection: conn)
        let params = request.params
        let id = request.id
        let method = request.method
        switch entry.execution {
        case .loop:
            done(run(entry, method: method, id: id, params: params, ctx: ctx))
        case .worker:
            inFlight += 1
            conn.beginWork()
            let loop = conn.server.loop
            workers.async { [self] in
                workerSlots.wait()
                let response = run(entry, method: method, id: id, params: params, ctx: ctx)
                workerSlots.signal()
                done(response)
                conn.endWork()
                loop.execute { [self] in inFlight -= 1 }
            }
        }
    }

    private func run(_ entry: MethodTable.Entry, method: String, id: RPCID?, params: JSONValue?, ctx: RequestContext) -> RPCResponse? {
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome: Result<JSONValue, RPCError>
        do {
            outcome = .success(try entry.invoke(params, ctx))
        } catch let e as RPCError {
            outcome = .failure(e)
        } catch {
            logger.error("handler failed", metadata: ["method": .string(method), "error": .string("\(error)")])
            outcome = .failure(.internalError("\(method) failed unexpectedly"))
        }
        let micros = (DispatchTime.now().uptimeNanoseconds - start) / 1000
        let outcomeText: String
        switch outcome {
        case .success: outcomeText = "ok"
        case .failure(let e): outcomeText = "error \(e.code)"
        }
        // Method, duration and outcome only: params may carry secrets and never reach the log.
        requestLog?(method, micros, outcomeText)
        guard let id else { return nil }
        switch outcome {
        case .success(let v): return RPCResponse(id: id, result: v)
        case .failure(let e): return RPCResponse(id: id, error: e)
        }
    }
}

/// Gathers a batch's responses (from any thread) and fires once when all entries are in.
final class BatchCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var responses: [RPCResponse] = []
    private let completion: @Sendable ([RPCResponse]) -> Void

    init(count: Int, completion: @escaping @Sendable ([RPCResponse]) -> Void) {
        remaining = count
        self.completion = completion
    }

    func add(_ response: RPCResponse?) {
        lock.lock()
        if let response { responses.append(response) }
        remaining -= 1
        let finished = remaining == 0
        let all = responses
        lock.unlock()
        if finished { completion(all) }
    }
}
