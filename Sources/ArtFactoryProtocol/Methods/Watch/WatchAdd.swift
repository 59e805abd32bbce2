/// `watch.add`: import new image files from a folder as they appear (a Figma export folder, say).
public enum WatchAdd: RPCMethod {
    public static let method = "watch.add"
    public static let summary = "Watch a folder and import every new .png/.jpg/.jpeg/.webp file that appears in it."
    public static let details = """
        The folder must exist, be a directory you own, be absolute and lie under your home or the temporary \
        directory (symbolic links are resolved first), and not be inside the ArtFactory data directory; only files \
        directly in it are watched (not subfolders; hidden files are skipped). The project must exist (as for \
        gallery.import). A file is imported once it is complete: its size and modification time stayed the same \
        for the settle interval (`watchSettleMs` in config.json, default 500 ms) and it holds a whole image (a \
        PNG up to its IEND chunk, a JPEG up to its end marker, a WebP as long as its RIFF header says); a file \
        still being written is retried, never half-read. Files already in the folder are imported when the watch \
        starts. `as: image` stores gallery images with their generation metadata (like gallery.import); `as: input` \
        stores input assets (role input) to use with `generate` `source`. Identical files are linked to the stored \
        image by SHA-256, so each is stored once. Watches persist across daemon restarts. Each imported file is \
        announced as `watch.imported` on the `gallery` topic (besides `gallery.added` for new images).
        """

    public struct Params: Codable, Sendable, Equatable {
        /// The folder to watch (absolute).
        public var dir: String
        /// Project for the imported files.
        public var projectId: String
        /// Tags for every imported file.
        public var tags: [String]?
        /// `image` (default) or `input`.
        public var `as`: String?

        public init(dir: String, projectId: String, tags: [String]? = nil, as role: String? = nil) {
            self.dir = dir
            self.projectId = projectId
            self.tags = tags
            self.as = role
        }
    }

    public typealias Result = WatchInfo

    public static let params: [Schema.Property] = [
        .init("dir", .string("absolute path of the folder to watch"), required: true),
        .init("projectId", .string("project for the imported files (must exist)"), required: true),
        .init("tags", .array(.string("tag name"), "tags for every imported file", maxItems: 100)),
        .init("as", .enumeration(["image", "input"], "image (default): gallery images; input: input assets for generate source")),
    ]
    public static let result = WatchInfo.schema
    public static let errors = [RPCErrorCode.pathNotAllowed, RPCErrorCode.notFound, RPCErrorCode.conflict, RPCErrorCode.limitExceeded]
    public static let exampleParams = Params(dir: "/home/me/Figma exports", projectId: "prj_01J0000000000000000000000", tags: ["figma"])
    public static let exampleResult = WatchInfo.example
}
