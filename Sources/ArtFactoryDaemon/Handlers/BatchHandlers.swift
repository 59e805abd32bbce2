import ArtFactoryProtocol

/// batch.submit.
struct BatchHandlers: HandlerGroup {
    let service: GenerationService

    func register(in table: MethodTable) {
        table.register(BatchSubmit.self, on: .worker) { params, _ in try service.submitBatch(params) }
    }
}
