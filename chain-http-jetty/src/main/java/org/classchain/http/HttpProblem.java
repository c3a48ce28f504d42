package org.classchain.http;

/**
 * A request that is answered with an error status and a JSON body {@code {"error": .., "status": ..}}.
 * The message is shown to the caller, so it names what is wrong and never holds a secret or a
 * stack trace.
 */
final class HttpProblem extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final long retryAfterSeconds;
    private final String allow;

    HttpProblem(int status, String message) {
        this(status, message, 0);
    }

    HttpProblem(int status, String message, long retryAfterSeconds) {
        this(status, message, retryAfterSeconds, null);
    }

    private HttpProblem(int status, String message, long retryAfterSeconds, String allow) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
        this.allow = allow;
    }

    static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }

    /** A 405 listing the methods the path does take, for the {@code Allow} header. */
    static HttpProblem methodNotAllowed(String message, String allow) {
        return new HttpProblem(405, message, 0, allow);
    }

    /** The {@code Allow} header of a 405, else null. */
    String allow() {
        return allow;
    }

    int status() {
        return status;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
