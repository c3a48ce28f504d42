/** The block tree with fork choice by cumulative work (ties to the lower hash), reorgs, and the validated, stored chain a peer follows. */
package org.classchain.core.chain;
