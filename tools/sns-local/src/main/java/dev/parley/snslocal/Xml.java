package dev.parley.snslocal;

import java.util.Map;

/** The few XML documents the Query API answers with (namespace of API version 2010-03-31). */
final class Xml {
  static final String NS = "http://sns.amazonaws.com/doc/2010-03-31/";

  private Xml() {
  }

  /** {@code <ActionResponse><ActionResult>result</ActionResult><ResponseMetadata>…} */
  static String response(String action, String resultInner, String requestId) {
    StringBuilder b = new StringBuilder(256);
    b.append("<").append(action).append("Response xmlns=\"").append(NS).append("\">");
    if (resultInner != null) {
      b.append("<").append(action).append("Result>").append(resultInner).append("</").append(action).append("Result>");
    }
    b.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata>");
    b.append("</").append(action).append("Response>");
    return b.toString();
  }

  static String error(SnsError e, String requestId) {
    return "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>" + e.type + "</Type><Code>" + e.code + "</Code><Message>"
        + escape(e.getMessage()) + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>";
  }

  static String element(String name, String value) {
    return "<" + name + ">" + escape(value) + "</" + name + ">";
  }

  /** {@code <Attributes><entry><key>k</key><value>v</value></entry>…</Attributes>} */
  static String attributes(Map<String, String> attributes) {
    StringBuilder b = new StringBuilder("<Attributes>");
    attributes.forEach((k, v) -> b.append("<entry>").append(element("key", k)).append(element("value", v))
        .append("</entry>"));
    return b.append("</Attributes>").toString();
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
