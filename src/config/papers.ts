/** The papers the lab reproduces, as presets and named experiments cite them. */
export const PAPERS = {
  huang: 'Huang, Du & Xu (2021), Neural tangent kernel analysis of orthogonal initialization',
  saxe: 'Saxe, McClelland & Ganguli (2014), via Hlav (2019)',
  sokolPark: 'Sokół & Park (2019), Information geometry of orthogonal initializations and training',
  hlav: 'Hlav (2019), Dynamical isometry and orthogonality',
  pennington: 'Pennington, Schoenholz & Ganguli (2017), via Hlav (2019)',
  chen: 'Chen, Li & Lin (2024), On the impacts of the random initialization in the neural tangent kernel theory',
} as const;
