/// The result of a bulk change: how many images it touched.
public struct GalleryUpdated: Codable, Sendable, Equatable {
    public var updated: Int
    public init(updated: Int) { self.updated = updated }

    public static let schema = Schema.object([.init("updated", .integer("images changed", minimum: 0), required: true)])
}
