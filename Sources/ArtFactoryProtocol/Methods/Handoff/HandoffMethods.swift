/// `handoff.setTarget`: configure (or remove) a named hand-off target.
public enum HandoffSetTarget: RPCMethod {
    public static let method = "handoff.setTarget"
    public static let summary = "Configure a hand-off target: a folder (outbox/inbox) or a loopback HTTP endpoint; remove: true deletes it."
    public static let details = """
        A folder must be absolute and under the home or temporary directory (-32005); the daemon creates outbox/ and inbox/ \
        in it (0700). A url must be http on 127.0.0.1, localhost or [::1] (-32602). Give exactly one of folder and url.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var name: String
        public var folder: String?
        public var url: String?
        public var remove: Bool?
        public init(name: String, folder: String? = nil, url: String? = nil, remove: Bool? = nil) {
            self.name = name
            self.folder = folder
            self.url = url
            self.remove = remove
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var targets: [HandoffTarget]
        public init(targets: [HandoffTarget]) { self.targets = targets }
    }

    public static let params: [Schema.Property] = [
        .init("name", .string("letters, digits, - and _", maxLength: 64), required: true),
        .init("folder", .string("absolute folder")),
        .init("url", .string("loopback http URL")),
        .init("remove", .boolean("delete the target")),
    ]
    public static let result = Schema.object([.init("targets", .array(HandoffTarget.schema), required: true)])
    public static let errors = [RPCErrorCode.notFound, RPCErrorCode.pathNotAllowed]
    public static let exampleParams = Params(name: "upscaler", folder: "/home/me/pipeline")
    public static let exampleResult = Result(targets: [HandoffTarget(name: "upscaler", folder: "/home/me/pipeline")])
}

/// `gallery.handoff`: hand images to a configured target.
public enum GalleryHandoff: RPCMethod {
    public static let method = "gallery.handoff"
    public static let summary = "Hand images to a pipeline target: each image with a JSON manifest into its outbox folder or POSTed to its endpoint; tracked per image."
    public static let details = """
        Answers at once with one queued hand-off per image; delivery runs in the background and is retried (also after a \
        restart) until sent, or failed after 10 attempts. The manifest holds the image's prompt, negative prompt, parameters, \
        model, project, session and times. Approvals come back through handoff.report or the target's inbox folder.
        """

    public struct Params: Codable, Sendable, Equatable {
        public var ids: [String]
        public var to: String
        public init(ids: [String], to: String) {
            self.ids = ids
            self.to = to
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var handoffs: [HandoffInfo]
        public init(handoffs: [HandoffInfo]) { self.handoffs = handoffs }
    }

    public static let params: [Schema.Property] = [
        .init("ids", .array(.string("image id"), "images", maxItems: 1000), required: true),
        .init("to", .string("target name (handoff.setTarget)"), required: true),
    ]
    public static let result = Schema.object([.init("handoffs", .array(HandoffInfo.schema), required: true)])
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(ids: ["img_01J0000000000000000000000"], to: "upscaler")
    public static let exampleResult = Result(handoffs: [HandoffInfo.example])
}

/// `handoff.report`: the pipeline's verdict on a handed-off image.
public enum HandoffReport: RPCMethod {
    public static let method = "handoff.report"
    public static let summary = "Report a pipeline's approve/reject of a handed-off image; it becomes a review of the image (source handoff:TARGET)."
    public static let details = "The hand-off must have been sent (-32602 otherwise). Reporting the same verdict again changes nothing."

    public struct Params: Codable, Sendable, Equatable {
        public var id: String
        public var verdict: GalleryReview.Verdict
        public var reason: String?
        public init(id: String, verdict: GalleryReview.Verdict, reason: String? = nil) {
            self.id = id
            self.verdict = verdict
            self.reason = reason
        }
    }

    public typealias Result = HandoffInfo

    public static let params: [Schema.Property] = [
        .init("id", .string("hof_ id"), required: true),
        .init("verdict", .enumeration(["approve", "reject"]), required: true),
        .init("reason", .string(maxLength: 2_000)),
    ]
    public static let result = HandoffInfo.schema
    public static let errors = [RPCErrorCode.notFound]
    public static let exampleParams = Params(id: "hof_01J0000000000000000000000", verdict: .approve, reason: "clean upscale")
    public static let exampleResult = HandoffInfo.example
}

/// `handoff.list`: targets and hand-offs.
public enum HandoffList: RPCMethod {
    public static let method = "handoff.list"
    public static let summary = "Configured targets and hand-offs (newest first), optionally of one status, target or image."

    public struct Params: Codable, Sendable, Equatable {
        public var status: String?
        public var target: String?
        public var imageId: String?
        public var limit: Int?
        public init(status: String? = nil, target: String? = nil, imageId: String? = nil, limit: Int? = nil) {
            self.status = status
            self.target = target
            self.imageId = imageId
            self.limit = limit
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var targets: [HandoffTarget]
        public var handoffs: [HandoffInfo]
        public init(targets: [HandoffTarget], handoffs: [HandoffInfo]) {
            self.targets = targets
            self.handoffs = handoffs
        }
    }

    public static let params: [Schema.Property] = [
        .init("status", .enumeration(["queued", "sent", "approved", "rejected", "failed"])),
        .init("target", .string()),
        .init("imageId", .string()),
        .init("limit", .integer("default 100", minimum: 1, maximum: 1000)),
    ]
    public static let result = Schema.object([
        .init("targets", .array(HandoffTarget.schema), required: true),
        .init("handoffs", .array(HandoffInfo.schema, "newest first"), required: true),
    ])
    public static let exampleParams = Params(status: "sent")
    public static let exampleResult = Result(targets: [HandoffTarget(name: "upscaler", folder: "/home/me/pipeline")], handoffs: [HandoffInfo.example])
}
