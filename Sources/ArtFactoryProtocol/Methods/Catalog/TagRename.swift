/// `tag.rename`: rename a tag everywhere.
public enum TagRename: RPCMethod {
    public static let method = "tag.rename"
    public static let summary = "Rename a tag on every image (changing only letter case is allowed)."

    public struct Params: Codable, Sendable, Equatable {
        /// Current name (case-insensitive).
        public var name: String
        public var newName: String
        public init(name: String, newName: String) {
            self.name = name
            self.newName = newName
        }
    }

    public typealias Result = NamedRef

    public static let params: [Schema.Property] = [
        .init("name", .string("current tag name"), required: true),
        .init("newName", .string("new name", maxLength: 100), required: true),
    ]
    public static let result = NamedRef.schema
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.conflict]
    public static let exampleParams = Params(name: "fox", newName: "Fox")
    public static let exampleResult = NamedRef(id: "tag_01J0000000000000000000000", name: "Fox")
}
