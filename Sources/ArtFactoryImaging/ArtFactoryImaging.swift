/// ArtFactoryImaging module. Real contents land with its issue.
public enum ArtFactoryImagingModule {}
