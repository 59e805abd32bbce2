import GRDB

/// Shared GRDB conventions of the catalog's records: Swift camelCase properties map to
/// snake_case columns; nested Codable values (arrays, dictionaries) are stored as JSON text.
public protocol CatalogRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {}

extension CatalogRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}
