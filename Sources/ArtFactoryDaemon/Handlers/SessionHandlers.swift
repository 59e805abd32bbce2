import ArtFactoryCatalog
import ArtFactoryProtocol
import Foundation

/// session.create, session.list, session.get.
struct SessionHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(SessionCreate.self, on: .worker) { params, _ in
            let name = params.name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(name.count) else {
                throw RPCError.invalidParams("a session needs a name of 1 to 200 characters", field: "name")
            }
            return Self.info(try CatalogErrors.map { try catalog.createSession(name, projectId: params.project) })
        }
        table.register(SessionList.self, on: .worker) { params, _ in
            if let project = params.project { _ = try CatalogErrors.map { try catalog.project(project) } }
            let sessions = try CatalogErrors.map { try catalog.listSessions(projectId: params.project) }
            return SessionList.Result(sessions: sessions.map(Self.info))
        }
        table.register(SessionGet.self, on: .worker) { params, _ in
            let session = try CatalogErrors.map { try catalog.session(params.id) }
            return SessionGet.Result(session: Self.info(session), nodes: try Self.nodes(of: session.id, in: catalog))
        }
    }

    private static func info(_ s: Session) -> SessionInfo {
        SessionInfo(id: s.id, name: s.name, projectId: s.projectId, createdAt: s.createdAt)
    }

    /// The session's generations, oldest first, each with its output asset ids. Pages through the
    /// generation history newest first (1000 rows a page), keeping this session's rows.
    private static func nodes(of sessionId: String, in catalog: CatalogDatabase) throws -> [SessionNode] {
        var found: [Generation] = []
        var before: Int64?
        while true {
            let page = try catalog.generations(before: before, limit: 1000)
            found += page.filter { $0.sessionId == sessionId }
            guard page.count == 1000, let last = page.last else { break }
            before = last.createdAt
        }
        return try found.reversed().map { g in
            let assets = try catalog.generationDetail(g.id).assets.filter { $0.role == .output }
            let parameters = (try? JSONValueEncoder().encode(g.params)) ?? .null
            return SessionNode(generationId: g.id, parentId: g.parentGenerationId, prompt: g.prompt, model: g.model, seed: g.seed,
                               status: g.status.rawValue, parameters: Self.publicParameters(parameters), durationMs: g.durationMs,
                               createdAt: g.createdAt, assetIds: assets.map(\.id))
        }
    }

    /// Drops fields that are internal to the queue (the model's path on disk).
    private static func publicParameters(_ value: JSONValue) -> JSONValue {
        guard case .object(var fields) = value else { return value }
        fields["modelPath"] = nil
        return .object(fields)
    }
}
