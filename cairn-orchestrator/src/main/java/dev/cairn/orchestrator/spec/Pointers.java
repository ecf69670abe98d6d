package dev.cairn.orchestrator.spec;

/** JSON Pointer (RFC 6901) helpers. */
final class Pointers {

    private Pointers() {}

    /** {@code parent} + {@code /} + the escaped {@code key}. */
    static String child(String parent, String key) {
        return parent + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    static String child(String parent, int index) {
        return parent + "/" + index;
    }

    /** The pointer one level up; the root's parent is the root. */
    static String parent(String pointer) {
        int slash = pointer.lastIndexOf('/');
        return slash <= 0 ? "" : pointer.substring(0, slash);
    }

    /** Whether {@code pointer} is {@code ancestor} or lies under it. */
    static boolean within(String pointer, String ancestor) {
        return pointer.equals(ancestor) || (pointer.startsWith(ancestor) && pointer.charAt(ancestor.length()) == '/');
    }

    /** The unescaped last token of a non-root pointer. */
    static String lastToken(String pointer) {
        String token = pointer.substring(pointer.lastIndexOf('/') + 1);
        return token.replace("~1", "/").replace("~0", "~");
    }
}
