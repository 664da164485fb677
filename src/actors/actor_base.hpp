#pragma once

// The base of rally's actors: caf::event_based_actor, plus, in a ThreadSanitizer build, the
// happens-before edge of CAF's mailbox made visible. Debian's libcaf_core is not built with
// TSan, so the hand-over of a message from the sending thread (enqueue) to the thread that
// runs the receiver (consume) is invisible to it and every message's contents would look
// like a data race. Annotating both ends here, on the receiving actor, tells TSan what the
// mailbox guarantees and nothing more: a race between an actor and a thread it shares
// memory with outside messages (a Worker's io thread) is still reported.

#include <caf/event_based_actor.hpp>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace rally::actors {

class ActorBase : public caf::event_based_actor {
 public:
  using caf::event_based_actor::event_based_actor;

#if defined(__SANITIZE_THREAD__)
  using caf::event_based_actor::enqueue;

  void enqueue(caf::mailbox_element_ptr element, caf::execution_unit* unit) override {
    __tsan_release(this);
    caf::event_based_actor::enqueue(std::move(element), unit);
  }

  caf::invoke_message_result consume(caf::mailbox_element& element) override {
    __tsan_acquire(this);
    return caf::event_based_actor::consume(element);
  }
#endif
};

}  // namespace rally::actors
