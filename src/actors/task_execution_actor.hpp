#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>

#include "rally/actors/messages.hpp"
#include "rally/track/corpus.hpp"

namespace rally::actors {

// Seed: TaskExecutionActor. Runs preparation tasks handed out by its
// TrackPreparationActor, in bounded steps driven by WakeupMessages so that it stays
// responsive (and can be stopped) while it reads a large corpus.
class TaskExecutionActor : public caf::event_based_actor {
 public:
  explicit TaskExecutionActor(caf::actor_config& cfg);
  caf::behavior make_behavior() override;
  // Drops every actor handle: handles held after exit form cycles that keep actors alive.
  void on_exit() override;

 private:
  void start(const PreparationTask& task);
  void finish_task();
  void fail(const std::string& reason);

  caf::actor parent_;
  PreparationTask task_;
  std::string data_file_;
  std::unique_ptr<track::OffsetTableBuilder> builder_;
};

}  // namespace rally::actors
