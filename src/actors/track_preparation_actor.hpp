#pragma once

#include <deque>
#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "rally/actors/messages.hpp"

#include "actor_base.hpp"

namespace rally::actors {

// Seed: TrackPreparationActor. One per load-driver host: turns the track's corpora into
// preparation tasks and fans them out to TaskExecutionActors, one per core.
class TrackPreparationActor : public ActorBase {
 public:
  explicit TrackPreparationActor(caf::actor_config& cfg);
  caf::behavior make_behavior() override;
  // Drops every actor handle: handles held after exit form cycles that keep actors alive.
  void on_exit() override;

 private:
  void on_prepare_track(const PrepareTrack& msg);
  void fail(const std::string& reason);

  std::string host_;
  caf::actor driver_;
  std::deque<PreparationTask> tasks_;
  std::vector<caf::actor> executors_;
  std::size_t idle_ = 0;
  std::vector<std::string> notes_;
};

// Builds the preparation plan of a track: one task per corpus document file.
std::vector<PreparationTask> preparation_plan(const track::Track& track, const RaceConfig& config);

}  // namespace rally::actors
