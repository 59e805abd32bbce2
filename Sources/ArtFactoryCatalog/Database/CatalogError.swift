import Foundation
import GRDB

/// The one error type of the catalog.
///
/// `code` is stable and meant for programs (the daemon maps it to a JSON-RPC application error);
/// `message` is for people and says what to do next; `cause` keeps the underlying error, if any.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    /// Stable, machine-readable error codes.
    public enum Code: String, Sendable, Codable {
        /// An id that names no row (the message names the kind and the id).
        case notFound = "not_found"
        /// A name or value that must be unique already exists.
        case conflict = "conflict"
        /// An argument the caller can fix: bad cursor, out-of-range rating, empty name, bad id.
        case invalidArgument = "invalid_argument"
        /// The database refused or failed (I/O, corruption, busy past the timeout).
        case database = "database"
    }

    /// Stable code; see ``Code``.
    public let code: Code
    /// Human message that says what happened and what to do next.
    public let message: String
    /// The underlying error, when there is one.
    public let cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// An unknown id of the given kind (`"generation"`, `"asset"`, ...).
    public static func notFound(_ kind: String, _ id: String) -> CatalogError {
        CatalogError(.notFound, "No \(kind) with id '\(id)' exists; list the \(kind)s to find a valid id.")
    }

    /// A duplicate name of the given kind.
    public static func duplicateName(_ kind: String, _ name: String) -> CatalogError {
        CatalogError(.conflict, "A \(kind) named '\(name)' already exists; choose another name or use the existing one.")
    }

    /// A bad argument.
    public static func invalid(_ message: String) -> CatalogError {
        CatalogError(.invalidArgument, message)
    }

    /// Maps any error thrown inside a database closure to a `CatalogError`, in exactly one place.
    static func wrap(_ error: any Error) -> CatalogError {
        if let error = error as? CatalogError { return error }
        if let error = error as? DatabaseError {
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                return CatalogError(.conflict,
                                    "A row with the same unique value already exists (\(error.message ?? "constraint")); use another name or id.",
                                    cause: error)
            case .SQLITE_CONSTRAINT_FOREIGNKEY:
                return CatalogError(.conflict,
                                    "The change would break a reference between rows (for example deleting a project that still has images); remove the dependent rows first.",
                                    cause: error)
            case .SQLITE_CONSTRAINT_CHECK, .SQLITE_CONSTRAINT_NOTNULL:
                return CatalogError(.invalidArgument,
                                    "A value is out of its allowed range (\(error.message ?? "check")); fix the argument and retry.",
                                    cause: error)
            default:
                break
            }
            if error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
                return CatalogError(.database, "The catalog is busy (another writer held it past the timeout); retry shortly.", cause: error)
            }
            return CatalogError(.database,
                                "The catalog database failed: \(error.message ?? "\(error.resultCode)"). Check disk space and permissions, then run fsck.",
                                cause: error)
        }
        return CatalogError(.database, "Unexpected catalog failure: \(error). Retry; if it persists, run fsck.", cause: error)
    }
}
