import ArtFactoryProtocol
import Logging

/// provider.list, provider.setKey, provider.clearKey, provider.test, provider.estimate.
/// Keys arrive in provider.setKey's params; the request log records only method names, and no
/// result or error here ever contains a key.
struct ProviderHandlers: HandlerGroup {
    let hub: ProviderHub
    let logger: Logger

    func register(in table: MethodTable) {
        table.register(ProviderList.self, on: .worker) { _, _ in
            ProviderList.Result(providers: try ProviderProfile.names.map { try hub.info($0) })
        }
        table.register(ProviderSetKey.self, on: .worker) { params, _ in
            _ = try hub.client(params.name)
            try hub.keys.set(params.key, for: params.name)
            logger.notice("provider key stored", metadata: ["provider": .string(params.name)])
            return try hub.info(params.name)
        }
        table.register(ProviderClearKey.self, on: .worker) { params, _ in
            _ = try hub.client(params.name)
            guard try hub.keys.clear(params.name) else {
                throw RPCError(code: RPCErrorCode.notFound, message: "No key is stored for \(params.name); nothing to clear.",
                               data: ["kind": "notFound", "object": "key", "id": .string(params.name)])
            }
            logger.notice("provider key removed", metadata: ["provider": .string(params.name)])
            return try hub.info(params.name)
        }
        table.register(ProviderTest.self, on: .worker) { params, _ in try hub.test(params.name) }
        table.register(ProviderEstimate.self, on: .worker) { params, _ in
            let count = params.count ?? 4
            guard (1...100_000).contains(count) else { throw RPCError.invalidParams("count must be 1…100000 (got \(count))", field: "count") }
            return try hub.estimate(try hub.model(params.model), count: count)
        }
    }
}
