enum TranscodePlaceholder {}
