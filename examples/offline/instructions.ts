/** The agent's instructions, shared by the worker and the simulation. */
export const INSTRUCTIONS = 'You are a helpful receptionist. Answer in one short sentence.';
