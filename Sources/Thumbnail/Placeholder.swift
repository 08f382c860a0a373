enum ThumbnailPlaceholder {}
