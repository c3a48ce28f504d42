/**
 * How often a sender may ask: {@link org.classchain.core.limit.TokenBuckets}, the one bounded
 * token bucket table behind the REST rate limit and the peer's relay limit.
 */
package org.classchain.core.limit;
