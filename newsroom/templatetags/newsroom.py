from django import template

register = template.Library()


@register.inclusion_tag("newsroom/includes/hero_picture.html")
def hero_picture(article, sizes="100vw", lazy=True, largest=1600):
    """A ``<picture>`` of the article's hero image: WebP and JPEG ``srcset``
    from the prefetched renditions, the original as a fallback while they are
    being made."""
    image = article.hero_image
    if not image:
        return {"image": None}
    renditions = [r for r in article.renditions.all() if r.source == image.name and r.width <= largest]
    webp = [r for r in renditions if r.format == "webp"]
    jpeg = [r for r in renditions if r.format == "jpeg"]
    fallback = min(jpeg, key=lambda r: abs(r.width - 960)) if jpeg else None
    return {
        "image": image,
        "alt": article.hero_alt,
        "webp_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in webp),
        "jpeg_srcset": ", ".join(f"{r.file.url} {r.width}w" for r in jpeg),
        "src": fallback.file.url if fallback else image.url,
        "width": fallback.width if fallback else article.hero_width,
        "height": fallback.height if fallback else article.hero_height,
        "sizes": sizes,
        "lazy": lazy,
    }


@register.simple_tag
def hero_image_url(article):
    """The largest JPEG of the hero image (for Open Graph), or the original."""
    if not article.hero_image:
        return ""
    jpeg = [r for r in article.renditions.all() if r.source == article.hero_image.name and r.format == "jpeg"]
    return max(jpeg, key=lambda r: r.width).file.url if jpeg else article.hero_image.url
