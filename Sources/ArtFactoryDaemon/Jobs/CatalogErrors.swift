import ArtFactoryCatalog
import ArtFactoryProtocol

/// Maps catalog errors to wire errors in one place: not found → `notFound`, conflict → `conflict`,
/// invalid argument → `invalidParams`; database failures stay internal.
enum CatalogErrors {
    /// Runs `body`, rethrowing a ``CatalogError`` as the matching ``RPCError``.
    static func map<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as CatalogError {
            switch e.code {
            case .notFound: throw RPCError(code: RPCErrorCode.notFound, message: e.message, data: ["kind": "notFound"])
            case .conflict: throw RPCError.conflict(e.message)
            case .invalidArgument: throw RPCError.invalidParams(e.message)
            case .database: throw RPCError.internalError(e.message)
            }
        }
    }
}
