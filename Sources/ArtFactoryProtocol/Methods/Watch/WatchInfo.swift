/// One watched folder as `watch.add` and `watch.list` report it.
public struct WatchInfo: Codable, Sendable, Equatable {
    /// `wch_` id.
    public var id: String
    /// The folder (absolute, symbolic links resolved).
    public var dir: String
    /// Project the imported files go to.
    public var projectId: String
    /// Tags every imported file gets.
    public var tags: [String]
    /// `image` (gallery images, metadata read) or `input` (input assets for `generate --source`).
    public var `as`: String
    /// `watching`, `missing` (the folder is gone; checked again every few seconds) or `error`.
    public var status: String
    /// Files stored as new images.
    public var imported: Int
    /// Files identical to an image already stored (linked to it, tags added).
    public var duplicates: Int
    /// Files that could not be imported (not valid images); retried when they change.
    public var failed: Int
    /// Files seen but not yet imported (still being written, or waiting to settle).
    public var pending: Int
    /// The latest problem (a file that failed, the folder missing), or nil.
    public var lastError: String?
    /// When the last file was imported (ISO 8601), or nil.
    public var lastImportAt: String?
    /// When the watch was added (ISO 8601).
    public var createdAt: String

    public init(id: String, dir: String, projectId: String, tags: [String], as role: String, status: String,
                imported: Int, duplicates: Int, failed: Int, pending: Int, lastError: String? = nil,
                lastImportAt: String? = nil, createdAt: String) {
        self.id = id
        self.dir = dir
        self.projectId = projectId
        self.tags = tags
        self.as = role
        self.status = status
        self.imported = imported
        self.duplicates = duplicates
        self.failed = failed
        self.pending = pending
        self.lastError = lastError
        self.lastImportAt = lastImportAt
        self.createdAt = createdAt
    }

    public static let schema = Schema.object([
        .init("id", .string("watch id (wch_…)"), required: true),
        .init("dir", .string("watched folder, absolute and resolved"), required: true),
        .init("projectId", .string("project the files are imported into"), required: true),
        .init("tags", .array(.string("tag name"), "tags every imported file gets"), required: true),
        .init("as", .enumeration(["image", "input"], "image: gallery images; input: input assets for generate --source"), required: true),
        .init("status", .enumeration(["watching", "missing", "error"], "missing: the folder is gone (checked again every few seconds)"), required: true),
        .init("imported", .integer("files stored as new images", minimum: 0), required: true),
        .init("duplicates", .integer("files identical to a stored image (linked)", minimum: 0), required: true),
        .init("failed", .integer("files that are not valid images (retried when they change)", minimum: 0), required: true),
        .init("pending", .integer("files seen but not imported yet (still being written)", minimum: 0), required: true),
        .init("lastError", .string("the latest problem")),
        .init("lastImportAt", .string("when the last file was imported (ISO 8601)")),
        .init("createdAt", .string("when the watch was added (ISO 8601)"), required: true),
    ])

    public static let example = WatchInfo(id: "wch_01J0000000000000000000000", dir: "/home/me/Figma exports",
                                          projectId: "prj_01J0000000000000000000000", tags: ["figma"], as: "image",
                                          status: "watching", imported: 12, duplicates: 1, failed: 0, pending: 0,
                                          lastImportAt: "2026-11-21T22:40:00Z", createdAt: "2026-11-21T22:00:00Z")
}
