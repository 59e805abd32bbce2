/// `watch.remove`: stop watching a folder.
public enum WatchRemove: RPCMethod {
    public static let method = "watch.remove"
    public static let summary = "Stop watching a folder, named by watch id or by its path; imported images stay in the gallery."

    public struct Params: Codable, Sendable, Equatable {
        /// The watch id (`wch_…`) or the watched folder's path; exactly one of `id` and `dir`.
        public var id: String?
        public var dir: String?
        public init(id: String? = nil, dir: String? = nil) {
            self.id = id
            self.dir = dir
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        /// The removed watch's id.
        public var removed: String
        public var dir: String
        public init(removed: String, dir: String) {
            self.removed = removed
            self.dir = dir
        }
    }

    public static let params: [Schema.Property] = [
        .init("id", .string("watch id (wch_…); give id or dir")),
        .init("dir", .string("the watched folder's path (absolute); give id or dir")),
    ]
    public static let result = Schema.object([
        .init("removed", .string("watch id"), required: true),
        .init("dir", .string("the folder no longer watched"), required: true),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "wch_01J0000000000000000000000")
    public static let exampleResult = Result(removed: "wch_01J0000000000000000000000", dir: "/home/me/Figma exports")
}
