import ArtFactoryCatalog
import ArtFactoryImaging
import ArtFactoryProtocol

/// Maps the errors of the layers under the gallery onto JSON-RPC errors, in one place, so every
/// gallery/catalog method answers a client mistake with the documented application code.
enum GalleryError {
    /// The RPC error for any error thrown by the catalog, imaging or the gallery itself.
    static func rpc(_ error: any Error) -> RPCError {
        switch error {
        case let e as RPCError:
            return e
        case let e as CatalogError:
            switch e.code {
            case .notFound: return RPCError(code: RPCErrorCode.notFound, message: e.message)
            case .conflict: return RPCError(code: RPCErrorCode.conflict, message: e.message)
            case .invalidArgument: return RPCError.invalidParams(e.message)
            case .database: return RPCError(code: RPCErrorCode.unavailable, message: e.message)
            }
        case let e as ImagingError:
            switch e.code {
            case .tooLarge: return RPCError(code: RPCErrorCode.limitExceeded, message: e.message)
            case .invalidArgument: return RPCError.invalidParams(e.message)
            case .io: return RPCError(code: RPCErrorCode.unavailable, message: e.message)
            default: return RPCError(code: RPCErrorCode.invalidFile, message: e.message)
            }
        default:
            return RPCError.internalError("\(error)")
        }
    }

    /// Runs `body`, converting any thrown error with ``rpc(_:)``.
    static func mapped<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw rpc(error) }
    }

    /// A file the gallery cannot use, with what to do.
    static func invalidFile(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.invalidFile, message: message)
    }

    /// A client path outside the allowed places.
    static func pathNotAllowed(_ message: String) -> RPCError {
        RPCError(code: RPCErrorCode.pathNotAllowed, message: message)
    }
}
