/// One image handed off to a pipeline, as clients see it.
public struct HandoffInfo: Codable, Sendable, Equatable {
    public var id: String
    public var imageId: String
    public var target: String
    /// queued, sent, approved, rejected or failed.
    public var status: String
    public var attempts: Int
    public var error: String?
    public var reason: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public init(id: String, imageId: String, target: String, status: String, attempts: Int, error: String?, reason: String?,
                createdAt: Int64, updatedAt: Int64) {
        self.id = id
        self.imageId = imageId
        self.target = target
        self.status = status
        self.attempts = attempts
        self.error = error
        self.reason = reason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public static let schema = Schema.object([
        .init("id", .string("hof_ id"), required: true),
        .init("imageId", .string(), required: true),
        .init("target", .string(), required: true),
        .init("status", .enumeration(["queued", "sent", "approved", "rejected", "failed"]), required: true),
        .init("attempts", .integer("delivery attempts", minimum: 0), required: true),
        .init("error", .string("last delivery error")),
        .init("reason", .string("the pipeline's reason")),
        .init("createdAt", .integer("ms since the epoch"), required: true),
        .init("updatedAt", .integer("ms since the epoch"), required: true),
    ])
    public static let example = HandoffInfo(id: "hof_01J0000000000000000000000", imageId: "img_01J0000000000000000000000", target: "upscaler",
                                            status: "sent", attempts: 1, error: nil, reason: nil, createdAt: 1_767_225_600_000,
                                            updatedAt: 1_767_225_600_100)
}

/// A configured hand-off target: a folder (outbox/ and inbox/ inside it) or a loopback HTTP endpoint.
public struct HandoffTarget: Codable, Sendable, Equatable {
    public var name: String
    /// Absolute folder; the daemon writes `outbox/<id>.png` + `outbox/<id>.json` and reads `inbox/*.json`.
    public var folder: String?
    /// `http://127.0.0.1:PORT/path` (loopback only); each image is POSTed as JSON.
    public var url: String?

    public init(name: String, folder: String? = nil, url: String? = nil) {
        self.name = name
        self.folder = folder
        self.url = url
    }

    public static let schema = Schema.object([
        .init("name", .string("target name", maxLength: 64), required: true),
        .init("folder", .string("absolute folder (outbox/, inbox/ inside)")),
        .init("url", .string("loopback http URL")),
    ])
}
