package io.waitline.load;

/**
 * The {@code type} and {@code seq} at the head of a feed frame's UTF-8 JSON, read from its first bytes only and
 * without allocating: a screen that times tens of thousands of frames a second need not decode them. Only the
 * top-level object's members count (a snapshot's nested {@code seq} is not the frame's); a member that lies past
 * the bytes given is not found.
 */
final class FrameHead {
  private FrameHead() {
  }

  /** The top-level {@code seq} when it is a non-negative integer within {@code head[0..length)}; else -1. */
  static long seq(byte[] head, int length) {
    int i = valueOf(head, length, SEQ);
    if (i < 0 || i >= length || !isDigit(head[i])) return -1;
    long seq = 0;
    for (; i < length && isDigit(head[i]); i++) seq = seq * 10 + (head[i] - '0');
    // a number cut off by the end of the head is not known
    return i < length ? seq : -1;
  }

  /** Whether the top-level {@code type} is the string {@code type} (ASCII, no escapes). */
  static boolean typeIs(byte[] head, int length, byte[] type) {
    int i = valueOf(head, length, TYPE);
    if (i < 0 || i + type.length + 1 >= length || head[i] != '"') return false;
    for (int k = 0; k < type.length; k++) {
      if (head[i + 1 + k] != type[k]) return false;
    }
    return head[i + 1 + type.length] == '"';
  }

  private static final byte[] SEQ = {'s', 'e', 'q'};
  private static final byte[] TYPE = {'t', 'y', 'p', 'e'};

  /** Where the value of the top-level member {@code name} starts, or -1 when it is not within the head. */
  private static int valueOf(byte[] b, int length, byte[] name) {
    int i = spaces(b, length, 0);
    if (i >= length || b[i] != '{') return -1;
    i++;
    while (true) {
      i = spaces(b, length, i);
      if (i >= length || b[i] != '"') return -1;
      int keyStart = i + 1;
      int keyEnd = stringEnd(b, length, i);
      if (keyEnd < 0) return -1;
      i = spaces(b, length, keyEnd + 1);
      if (i >= length || b[i] != ':') return -1;
      i = spaces(b, length, i + 1);
      if (i >= length) return -1;
      if (keyEnd - keyStart == name.length && equals(b, keyStart, name)) return i;
      i = spaces(b, length, valueEnd(b, length, i));
      if (i >= length || b[i] != ',') return -1;
      i++;
    }
  }

  /** The index of the quote closing the string that opens at {@code start}, or -1 beyond the head. */
  private static int stringEnd(byte[] b, int length, int start) {
    for (int i = start + 1; i < length; i++) {
      if (b[i] == '\\') {
        i++;
      } else if (b[i] == '"') {
        return i;
      }
    }
    return -1;
  }

  /** The index just after the value starting at {@code start} (any JSON value), or {@code length} beyond the head. */
  private static int valueEnd(byte[] b, int length, int start) {
    if (b[start] == '"') {
      int end = stringEnd(b, length, start);
      return end < 0 ? length : end + 1;
    }
    int depth = 0;
    for (int i = start; i < length; i++) {
      byte c = b[i];
      if (c == '"') {
        int end = stringEnd(b, length, i);
        if (end < 0) return length;
        i = end;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        if (depth == 0) return i;
        if (--depth == 0) return i + 1;
      } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n')) {
        return i;
      }
    }
    return length;
  }

  private static int spaces(byte[] b, int length, int i) {
    while (i < length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) i++;
    return i;
  }

  private static boolean equals(byte[] b, int from, byte[] name) {
    for (int k = 0; k < name.length; k++) {
      if (b[from + k] != name[k]) return false;
    }
    return true;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}
