import ArtFactoryProtocol

/// queue.pause, queue.resume, queue.reorder.
struct QueueHandlers: HandlerGroup {
    let service: GenerationService

    func register(in table: MethodTable) {
        table.register(QueuePause.self, on: .worker) { _, _ in
            try service.jobs.setPaused(true)
            return try service.queueState()
        }
        table.register(QueueResume.self, on: .worker) { _, _ in
            try service.jobs.setPaused(false)
            return try service.queueState()
        }
        table.register(QueueReorder.self, on: .worker) { params, _ in
            guard params.index >= 0 else { throw RPCError.invalidParams("index must be 0 or more", field: "index") }
            try CatalogErrors.map { try service.catalog.moveJob(params.id, toIndex: params.index) }
            return try service.list(JobList.Params(status: ["queued", "paused"]))
        }
    }
}
