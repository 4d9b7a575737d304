"""RSS 2.0 feed of one language's posts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from site_builder.content import Post


def rss(
    *,
    title: str,
    link: str,
    description: str,
    language: str,
    posts: Sequence[Post],
    feed_url: str,
) -> bytes:
    ET.register_namespace("atom", "http://www.w3.org/2005/Atom")
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = title
    ET.SubElement(channel, "link").text = link
    ET.SubElement(channel, "description").text = description
    ET.SubElement(channel, "language").text = language
    ET.SubElement(
        channel,
        "{http://www.w3.org/2005/Atom}link",
        {"href": feed_url, "rel": "self", "type": "application/rss+xml"},
    )
    for post in posts:
        item = ET.SubElement(channel, "item")
        url = link + post.url
        ET.SubElement(item, "title").text = post.title
        ET.SubElement(item, "link").text = url
        ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = url
        when = dt.datetime.combine(post.date, dt.time(8, 0), dt.timezone(dt.timedelta(hours=8)))
        ET.SubElement(item, "pubDate").text = format_datetime(when)
        ET.SubElement(item, "description").text = post.summary
        for tag in post.tags:
            ET.SubElement(item, "category").text = tag
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
