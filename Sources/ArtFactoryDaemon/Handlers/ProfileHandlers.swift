import ArtFactoryCatalog
import ArtFactoryProtocol

/// profile.save, profile.list, profile.delete.
struct ProfileHandlers: HandlerGroup {
    let catalog: CatalogDatabase

    func register(in table: MethodTable) {
        table.register(ProfileSave.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                let terms = p.terms.map { ProfileTerm(term: $0.term, weight: $0.weight) }
                guard let id = p.id else {
                    return Self.wire(try catalog.createProfile(p.name, terms: terms, sliders: p.sliders ?? [:],
                                                                 sliderTerms: p.sliderTerms ?? [:],
                                                                 description: p.description ?? "", enabled: p.enabled ?? true))
                }
                var profile = try catalog.profile(id)
                profile.name = p.name
                profile.terms = terms
                if let sliders = p.sliders {
                    profile.sliders = sliders
                    // Terms of sliders that are gone go with them.
                    profile.sliderTerms = profile.sliderTerms.filter { sliders[$0.key] != nil }
                }
                if let sliderTerms = p.sliderTerms { profile.sliderTerms = sliderTerms }
                if let description = p.description { profile.description = description }
                if let enabled = p.enabled { profile.enabled = enabled }
                return Self.wire(try catalog.updateProfile(profile))
            }
        }
        table.register(ProfileList.self, on: .worker) { _, _ in
            try GalleryError.mapped { ProfileList.Result(profiles: try catalog.listProfiles().map(Self.wire)) }
        }
        table.register(ProfileDelete.self, on: .worker) { p, _ in
            try GalleryError.mapped {
                try catalog.deleteProfile(p.id)
                return ProfileDelete.Result(deleted: p.id)
            }
        }
    }

    static func wire(_ p: StyleProfile) -> ProfileInfo {
        ProfileInfo(id: p.id, name: p.name, description: p.description, terms: p.terms.map { ProfileInfo.Term(term: $0.term, weight: $0.weight) },
                    sliders: p.sliders, sliderTerms: Dictionary(uniqueKeysWithValues: p.sliders.keys.map { ($0, p.sliderTerm($0)) }),
                    enabled: p.enabled, updatedAt: p.updatedAt)
    }
}
