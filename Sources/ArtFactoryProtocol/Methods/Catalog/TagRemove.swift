/// `tag.remove`: untag images (the tags themselves remain).
public enum TagRemove: RPCMethod {
    public static let method = "tag.remove"
    public static let summary = "Remove tags from images; the tags stay (see tag.delete)."
    public static let details = "All ids must exist or nothing changes (-32001); unknown tag names are ignored."

    public typealias Params = TagAdd.Params
    public typealias Result = GalleryUpdated

    public static let params = TagAdd.params
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"], tags: ["winter"])
    public static let exampleResult = GalleryUpdated(updated: 1)
}
