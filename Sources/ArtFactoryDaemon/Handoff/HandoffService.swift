import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryIPC
import ArtFactoryProtocol
import Foundation
import Logging

/// Hands approved images to enhancement pipelines and brings their verdicts back.
///
/// Targets live in the catalog setting `handoff.targets`. A hand-off is a catalog row (`queued`)
/// before anything is delivered, so a restart loses nothing: one serial queue delivers every
/// queued row (at once, then every 2 s, also after start-up) and marks it `sent`, or `failed`
/// after ``maxAttempts``. A folder target gets `outbox/<id>.<ext>` then `outbox/<id>.json` (the
/// manifest, written last; both atomic, 0600, in 0700 folders); an HTTP target (loopback only) gets
/// one JSON POST. Verdicts arrive by `handoff.report` or as `inbox/*.json` files
/// (`{"handoffId", "verdict", "reason"}`), which are moved to `inbox/processed/` (or
/// `inbox/rejected/` when unusable).
final class HandoffService: @unchecked Sendable {
    static let settingKey = "handoff.targets"
    static let maxAttempts = 10
    static let tickMs: UInt64 = 2_000

    let catalog: CatalogDatabase
    let gallery: GalleryService
    let logger: Logger
    private let http = HTTPClient()
    private let queue = DispatchQueue(label: "artfactory-handoff", qos: .utility)
    private let lock = NSLock()
    private var passPending = false

    init(catalog: CatalogDatabase, gallery: GalleryService, logger: Logger) {
        self.catalog = catalog
        self.gallery = gallery
        self.logger = logger
    }

    // MARK: - Targets

    func targets() throws -> [HandoffTarget] {
        guard case .object(let members)? = try catalog.setting(Self.settingKey) else { return [] }
        return members.keys.sorted().map { name in
            let o = members[name]?.objectValue ?? [:]
            var t = HandoffTarget(name: name)
            if case .string(let f)? = o["folder"] { t.folder = f }
            if case .string(let u)? = o["url"] { t.url = u }
            return t
        }
    }

    func target(_ name: String) throws -> HandoffTarget {
        guard let t = try targets().first(where: { $0.name == name }) else {
            throw RPCError(code: RPCErrorCode.notFound, message: "No hand-off target named '\(name)'; add one with handoff.setTarget (artfactory gallery handoff --help).")
        }
        return t
    }

    func setTarget(_ p: HandoffSetTarget.Params) throws -> [HandoffTarget] {
        guard !p.name.isEmpty, p.name.count <= 64, p.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw RPCError.invalidParams("A target name is 1-64 letters, digits, - or _.", field: "name")
        }
        var all = try targets()
        if p.remove == true {
            guard all.contains(where: { $0.name == p.name }) else { _ = try target(p.name); return all }
            all.removeAll { $0.name == p.name }
        } else {
            guard (p.folder == nil) != (p.url == nil) else { throw RPCError.invalidParams("Give a folder or a url (one of them).", field: "folder") }
            var t = HandoffTarget(name: p.name)
            if let folder = p.folder { t.folder = try Self.prepareFolder(folder, home: gallery.paths.home) }
            if let url = p.url { t.url = try Self.checkLoopback(url) }
            all.removeAll { $0.name == p.name }
            all.append(t)
        }
        var members: [String: CatalogJSON] = [:]
        for t in all {
            var o: [String: CatalogJSON] = [:]
            if let f = t.folder { o["folder"] = .string(f) }
            if let u = t.url { o["url"] = .string(u) }
            members[t.name] = .object(JSONObject(o))
        }
        try CatalogErrors.map { try catalog.setSetting(Self.settingKey, .object(JSONObject(members))) }
        return try targets()
    }

    /// The resolved folder with `outbox/` and `inbox/` made (0700).
    static func prepareFolder(_ path: String, home: String) throws -> String {
        let paths = ClientPath(daemonHome: home)
        let resolved: String
        if FileManager.default.fileExists(atPath: path) {
            resolved = try paths.existing(path, what: "hand-off folder")
        } else {
            resolved = try paths.destination(path, what: "hand-off folder")
        }
        for sub in ["", "/outbox", "/inbox"] {
            try FileManager.default.createDirectory(atPath: resolved + sub, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        return resolved
    }

    /// Only http on the loopback interface: images never leave the machine by accident.
    static func checkLoopback(_ text: String) throws -> String {
        guard let url = URL(string: text), url.scheme == "http", let host = url.host,
              ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else {
            throw RPCError.invalidParams("The url must be http://127.0.0.1:PORT/… (or localhost, [::1]): hand-offs go to local pipelines only.", field: "url")
        }
        return text
    }

    // MARK: - Hand-off and reports

    func handoff(_ ids: [String], to name: String) throws -> [HandoffRecord] {
        guard !ids.isEmpty else { throw RPCError.invalidParams("Pass at least one image id.", field: "ids") }
        _ = try target(name)
        let records = try CatalogErrors.map { try catalog.createHandoffs(ids, target: name) }
        kick()
        return records
    }

    func report(_ id: String, approved: Bool, reason: String?) throws -> HandoffRecord {
        try CatalogErrors.map { try catalog.reportHandoff(id, approved: approved, reason: reason) }
    }

    // MARK: - Background work

    /// Starts delivering what is queued (work left by an earlier run included) and the 2 s tick.
    func start(loop: EventLoop) {
        kick()
        loop.repeating(everyMs: Self.tickMs) { [self] in kick() }
    }

    /// Schedules one pass (deliver queued, read inboxes) unless one is already waiting.
    func kick() {
        let schedule: Bool = lock.withLock {
            if passPending { return false }
            passPending = true
            return true
        }
        guard schedule else { return }
        queue.async { [self] in
            lock.withLock { passPending = false }
            pass()
        }
    }

    private func pass() {
        let all: [HandoffTarget]
        do { all = try targets() } catch {
            logger.error("hand-off targets unreadable", metadata: ["error": .string("\(error)")])
            return
        }
        let byName = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        do {
            for h in try catalog.handoffs(status: .queued, limit: 1000).reversed() {
                guard let t = byName[h.target] else {
                    try catalog.markHandoffDelivery(h.id, sent: false, error: "target '\(h.target)' was removed", giveUp: true)
                    continue
                }
                do {
                    try deliver(h, to: t)
                    try catalog.markHandoffDelivery(h.id, sent: true, error: nil)
                } catch {
                    let giveUp = h.attempts + 1 >= Self.maxAttempts
                    try catalog.markHandoffDelivery(h.id, sent: false, error: "\(error)", giveUp: giveUp)
                    if giveUp { logger.warning("hand-off failed", metadata: ["id": .string(h.id), "error": .string("\(error)")]) }
                }
            }
        } catch {
            logger.error("hand-off delivery pass failed", metadata: ["error": .string("\(error)")])
        }
        for t in all { if let folder = t.folder { readInbox(folder) } }
    }

    private func deliver(_ h: HandoffRecord, to t: HandoffTarget) throws {
        let detail = try catalog.assetDetail(h.assetId)
        let file = gallery.absoluteImage(detail.asset.path)
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let ext = (detail.asset.path as NSString).pathExtension.isEmpty ? "png" : (detail.asset.path as NSString).pathExtension
        // The generation row keeps the prompt as submitted; each image's own expansion (wildcards, style
        // profile) is in its PNG record.
        let imagePrompt = (try? PNGTextChunk.readAll(from: data))?.first { $0.keyword == "artfactory" }
            .flatMap { try? JSONParser().parse($0.text)["prompt"]?.stringValue }
        let manifest = Self.manifest(h, detail, fileName: "\(h.id).\(ext)", target: t.name, now: CatalogClock.now(), imagePrompt: imagePrompt)
        if let folder = t.folder {
            let outbox = URL(fileURLWithPath: folder + "/outbox")
            try AtomicFile.write(data, to: outbox.appendingPathComponent("\(h.id).\(ext)"), mode: 0o600)
            try AtomicFile.write(Data(JSONWriter.prettyString(manifest).utf8), to: outbox.appendingPathComponent("\(h.id).json"), mode: 0o600)
        } else if let text = t.url, let url = URL(string: text) {
            var body = manifest.objectValue ?? JSONObject()
            body["imageBase64"] = .string(data.base64EncodedString())
            // Delivery is at-least-once: a crash between a successful POST and marking it sent re-sends it after
            // the restart. The same Idempotency-Key (the hand-off id, also in the body) lets the receiver drop
            // the repeat.
            let response = try http.send(HTTPRequest(method: "POST", url: url,
                                                     headers: [("Content-Type", "application/json"), ("Idempotency-Key", h.id)],
                                                     body: Data(JSONWriter.bytes(.object(body))), timeout: 30))
            guard (200..<300).contains(response.status) else { throw HandoffFailure("the endpoint answered HTTP \(response.status)") }
        }
    }

    static func manifest(_ h: HandoffRecord, _ d: AssetDetail, fileName: String, target: String, now: Int64,
                         imagePrompt: String? = nil) -> JSONValue {
        var o = JSONObject()
        o["handoffId"] = .string(h.id)
        o["target"] = .string(target)
        o["imageId"] = .string(d.asset.id)
        o["file"] = .string(fileName)
        o["mime"] = .string(d.asset.mime)
        o["width"] = .int(Int64(d.asset.width))
        o["height"] = .int(Int64(d.asset.height))
        o["sha256"] = .string(d.asset.sha256)
        if let g = d.generation {
            o["generationId"] = .string(g.id)
            o["prompt"] = .string(imagePrompt ?? g.prompt)
            // The prompt as the user wrote it (templates filled in), before wildcards and style profiles expanded it.
            o["sourcePrompt"] = .string(g.prompt)
            o["negativePrompt"] = .string(g.negativePrompt)
            o["model"] = .string(g.model)
            o["seed"] = g.seed.map { .int($0) } ?? .null
            o["parameters"] = g.params
        }
        o["projectId"] = d.asset.projectId.map { .string($0) } ?? .null
        o["sessionId"] = d.asset.sessionId.map { .string($0) } ?? .null
        o["createdAt"] = .int(d.asset.createdAt)
        o["handedOffAt"] = .int(now)
        o["report"] = .string("write inbox/<any>.json {\"handoffId\": \"\(h.id)\", \"verdict\": \"approve\"|\"reject\", \"reason\": \"…\"}, or call handoff.report")
        return .object(o)
    }

    /// Applies every `inbox/*.json` report and moves it out of the way.
    private func readInbox(_ folder: String) {
        let inbox = folder + "/inbox"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: inbox) else { return }
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = inbox + "/" + name
            var outcome = "processed"
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                let value = try JSONParser().parse([UInt8](data))
                guard let id = value["handoffId"]?.stringValue, let verdict = value["verdict"]?.stringValue,
                      verdict == "approve" || verdict == "reject" else {
                    throw HandoffFailure("needs handoffId and verdict approve or reject")
                }
                _ = try catalog.reportHandoff(id, approved: verdict == "approve", reason: value["reason"]?.stringValue)
            } catch {
                outcome = "rejected"
                logger.warning("hand-off inbox file not applied; moved to inbox/rejected", metadata: ["file": .string(path), "error": .string("\(error)")])
            }
            let dir = inbox + "/" + outcome
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try? FileManager.default.removeItem(atPath: dir + "/" + name)
            do {
                try FileManager.default.moveItem(atPath: path, toPath: dir + "/" + name)
            } catch {
                logger.error("hand-off inbox file could not be moved", metadata: ["file": .string(path), "error": .string("\(error)")])
            }
        }
    }
}

/// A delivery or inbox problem, with what happened.
struct HandoffFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

extension HandoffRecord {
    var wire: HandoffInfo {
        HandoffInfo(id: id, imageId: assetId, target: target, status: status.rawValue, attempts: attempts, error: error, reason: reason,
                    createdAt: createdAt, updatedAt: updatedAt)
    }
}
