/// `collection.remove`: take images out of a collection (the images stay in the gallery).
public enum CollectionRemove: RPCMethod {
    public static let method = "collection.remove"
    public static let summary = "Remove images from a collection; the images themselves are kept."

    public typealias Params = CollectionAdd.Params
    public typealias Result = GalleryUpdated

    public static let params = CollectionAdd.params
    public static let result = GalleryUpdated.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = CollectionAdd.exampleParams
    public static let exampleResult = GalleryUpdated(updated: 1)
}
