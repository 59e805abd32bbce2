/// `gallery.get`: one image with everything known about it.
public enum GalleryGet: RPCMethod {
    public static let method = "gallery.get"
    public static let summary = "Get one image: file facts, generation record, tags, collections, lineage and next/previous ids."
    public static let details = "`previousId`/`nextId` follow gallery.list's default order (newest first) within the optional `filter`."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        public var filter: GalleryFilter?
        public init(id: String, filter: GalleryFilter? = nil) {
            self.id = id
            self.filter = filter
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var image: GalleryImage
        public var generation: GalleryGeneration?
        public var tags: [String]
        /// Collection ids and names.
        public var collections: [NamedRef]
        /// Generations this one descends from, nearest first.
        public var ancestors: [GalleryGeneration]
        /// Generations derived from this one.
        public var children: [GalleryGeneration]
        public var previousId: String?
        public var nextId: String?

        public init(image: GalleryImage, generation: GalleryGeneration?, tags: [String], collections: [NamedRef],
                    ancestors: [GalleryGeneration], children: [GalleryGeneration], previousId: String?, nextId: String?) {
            self.image = image
            self.generation = generation
            self.tags = tags
            self.collections = collections
            self.ancestors = ancestors
            self.children = children
            self.previousId = previousId
            self.nextId = nextId
        }
    }

    public static let params: [Schema.Property] = [
        .init("id", .string("image id"), required: true),
        .init("filter", GalleryFilter.schema),
    ]
    public static let result = Schema.object([
        .init("image", GalleryImage.schema, required: true),
        .init("generation", GalleryGeneration.schema),
        .init("tags", .array(.string()), required: true),
        .init("collections", .array(NamedRef.schema), required: true),
        .init("ancestors", .array(GalleryGeneration.schema), required: true),
        .init("children", .array(GalleryGeneration.schema), required: true),
        .init("previousId", .string("newer image")),
        .init("nextId", .string("older image")),
    ])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "img_01J0000000000000000000000")
    public static let exampleResult = Result(image: GalleryImage.example, generation: GalleryGeneration.example, tags: ["fox"],
                                             collections: [], ancestors: [], children: [], previousId: nil, nextId: nil)
}
