package org.classchain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A small file a receipt may carry back to the teacher, a screen thumbnail say. Kept at the
 * teacher's peers, never on the chain.
 *
 * @param contentType its MIME type, {@code image/png} say
 * @param content its bytes, at most {@link #MAX_BYTES}
 */
public record Attachment(String contentType, byte[] content) {

    /** The largest attachment a receipt may carry. */
    public static final int MAX_BYTES = 64 * 1024;

    /**
     * Checks the size and copies the bytes.
     *
     * @param contentType never null
     * @param content copied; at most {@link #MAX_BYTES}
     * @throws IllegalArgumentException when the content is missing or too large
     */
    public Attachment {
        Objects.requireNonNull(contentType, "contentType");
        if (content == null || content.length > MAX_BYTES) {
            throw new IllegalArgumentException("an attachment holds at most " + MAX_BYTES + " bytes");
        }
        content = content.clone();
    }

    /** {@return a copy of the bytes} */
    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attachment a && contentType.equals(a.contentType) && Arrays.equals(content, a.content);
    }

    @Override
    public int hashCode() {
        return contentType.hashCode() * 31 + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "Attachment[" + contentType + ", " + content.length + " bytes]";
    }
}
