import ArtFactoryCatalog
import ArtFactoryProtocol

/// gallery.handoff, handoff.setTarget, handoff.report, handoff.list (docs/analytics.md#hand-off).
struct HandoffHandlers: HandlerGroup {
    let catalog: CatalogDatabase
    let handoff: HandoffService

    func register(in table: MethodTable) {
        table.register(HandoffSetTarget.self, on: .worker) { p, _ in
            try GalleryError.mapped { HandoffSetTarget.Result(targets: try handoff.setTarget(p)) }
        }
        table.register(GalleryHandoff.self, on: .worker) { p, _ in
            try GalleryError.mapped { GalleryHandoff.Result(handoffs: try handoff.handoff(p.ids, to: p.to).map(\.wire)) }
        }
        table.register(HandoffReport.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                guard let approved = p.verdict.approved else { throw RPCError.invalidParams("verdict must be approve or reject.", field: "verdict") }
                return try handoff.report(p.id, approved: approved, reason: p.reason).wire
            }
        }
        table.register(HandoffList.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                var status: HandoffStatus?
                if let s = p.status {
                    guard let parsed = HandoffStatus(rawValue: s) else {
                        throw RPCError.invalidParams("status must be queued, sent, approved, rejected or failed; got '\(s)'.", field: "status")
                    }
                    status = parsed
                }
                let items = try catalog.handoffs(status: status, target: p.target, assetId: p.imageId, limit: p.limit ?? 100)
                return HandoffList.Result(targets: try handoff.targets(), handoffs: items.map(\.wire))
            }
        }
    }
}
