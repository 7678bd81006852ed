"""The only image renditions the API creates: a fixed set of sizes and formats.

Every rendition is a file and a database row; letting clients name filters
(as grapple's `rendition(filter:)` and `srcSet(sizes:)` do) lets anyone fill
the disk. GraphQL enums make anything outside this list a validation error.
"""

import graphene

from publishing.reader import PublicContent

SIZES = {"SMALL": "max-480x480", "MEDIUM": "max-960x960", "LARGE": "max-1600x1600"}
FORMATS = {"WEBP": "format-webp", "JPEG": "format-jpeg", "PNG": "format-png"}
RENDITION_FILTERS = [f"{size}|{fmt}" for size in SIZES.values() for fmt in FORMATS.values()]


class ImageSize(graphene.Enum):
    class Meta:
        description = "Rendition sizes: the longest side is at most 480, 960 or 1600 pixels."

    SMALL = "SMALL"
    MEDIUM = "MEDIUM"
    LARGE = "LARGE"


class ImageFormat(graphene.Enum):
    class Meta:
        description = "Rendition file formats."

    WEBP = "WEBP"
    JPEG = "JPEG"
    PNG = "PNG"


def filter_spec(size, file_format) -> str:
    # graphene hands enum arguments over as enum members; defaults arrive as names.
    size, file_format = getattr(size, "value", size), getattr(file_format, "value", file_format)
    return f"{SIZES[size]}|{FORMATS[file_format]}"


class Image(graphene.ObjectType):
    class Meta:
        description = "A published image with renditions in fixed sizes and formats."

    id = graphene.ID(required=True, description="Image id.")
    title = graphene.String(required=True, description="Image title.")
    alt = graphene.String(
        required=True, description="Alternative text for screen readers; empty for decorative images."
    )
    width = graphene.Int(required=True, description="Width of the original in pixels.")
    height = graphene.Int(required=True, description="Height of the original in pixels.")
    url = graphene.String(
        required=True,
        size=ImageSize(default_value="MEDIUM", description="Largest side: SMALL 480, MEDIUM 960, LARGE 1600 px."),
        format=ImageFormat(default_value="WEBP", description="File format."),
        description="Full URL of a rendition of the image.",
    )

    def resolve_url(self, info, size="MEDIUM", format="WEBP"):
        rendition = PublicContent.for_request(info.context).image_rendition(self["id"], filter_spec(size, format))
        return info.context.build_absolute_uri(rendition.url) if rendition is not None else None
